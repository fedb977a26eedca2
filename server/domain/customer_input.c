/* customer_input.c - validation of customer fields. */
#include "domain/customer_input.h"

#include <stdlib.h>
#include <string.h>

#include "base/json_util.h"
#include "base/sbuf.h"
#include "base/timefmt.h"
#include "domain/email.h"
#include "domain/validate.h"

static int phone_ok(const char *phone)
{
	return strspn(phone, "0123456789+-(). ") == strlen(phone);
}

/* Builds the text[] literal of a validated tag array; NULL when out of memory. */
static char *tags_literal(const json_t *tags)
{
	struct sbuf b;
	size_t i;
	json_t *t;
	int rc = 0;
	sbuf_init(&b, 64 * (4 * 64 * 2 + 3) + 3);
	rc |= sbuf_add(&b, "{", 1);
	json_array_foreach (tags, i, t) {
		rc |= sbuf_add(&b, i ? ",\"" : "\"", i ? 2 : 1);
		for (const char *p = json_string_value(t); *p; p++) {
			if (*p == '"' || *p == '\\')
				rc |= sbuf_add(&b, "\\", 1);
			rc |= sbuf_add(&b, p, 1);
		}
		rc |= sbuf_add(&b, "\"", 1);
	}
	rc |= sbuf_add(&b, "}", 1);
	if (rc) {
		sbuf_release(&b);
		return NULL;
	}
	return sbuf_detach(&b, NULL);
}

static void parse_tags(const json_t *body, struct customer_input *in, json_t *errors)
{
	json_t *tags = json_object_get(body, "tags");
	size_t i;
	json_t *t;
	if (!tags || json_is_null(tags))
		return;
	if (!json_is_array(tags) || json_array_size(tags) > CUSTOMER_TAGS_MAX) {
		json_error_add(errors, "/tags", "must be an array of at most 64 tags");
		return;
	}
	size_t before = json_array_size(errors);
	json_array_foreach (tags, i, t) {
		char ptr[32];
		snprintf(ptr, sizeof(ptr), "/tags/%zu", i);
		size_t n = json_is_string(t) ? validate_utf8_chars(json_string_value(t)) : 0;
		if (n < 1 || n > 64) {
			json_error_add(errors, ptr, "must be a string of 1 to 64 characters");
			continue;
		}
		for (size_t k = 0; k < i; k++)
			if (json_equal(t, json_array_get(tags, k))) {
				json_error_add(errors, ptr, "is listed twice");
				break;
			}
	}
	if (json_array_size(errors) == before)
		in->tags = tags_literal(tags);
}

int customer_input_parse(const json_t *body, struct customer_input *in, json_t *errors)
{
	static const char *const fields[] = {"email",    "name",       "phone", "signup_at",
	                                     "birthday", "attributes", "tags",  NULL};
	memset(in, 0, sizeof(*in));
	if (!validate_object(body, "", errors))
		return -1;
	validate_known_fields(body, fields, "", errors);
	in->email = validate_string(body, "email", "", 3, 254, false, errors);
	if (in->email && !email_valid(in->email)) {
		json_error_add(errors, "/email", "must be an e-mail address");
		in->email = NULL;
	}
	in->name = validate_string(body, "name", "", 1, 200, false, errors);
	in->phone = validate_string(body, "phone", "", 1, 32, false, errors);
	if (in->phone && !phone_ok(in->phone)) {
		json_error_add(errors, "/phone", "may hold only digits, spaces and + - ( ) .");
		in->phone = NULL;
	}
	const char *signup = validate_string(body, "signup_at", "", 1, 64, false, errors);
	if (signup) {
		int64_t us;
		if (timefmt_parse_rfc3339(signup, &us) != 0 || !timefmt_in_range(us))
			json_error_add(errors, "/signup_at",
			               "must be an RFC 3339 time from 1970 to 2100");
		else
			timefmt_format(us, in->signup_at);
	}
	const char *birthday = validate_string(body, "birthday", "", 10, 10, false, errors);
	if (birthday) {
		int64_t us;
		/* birthdays reach further back than the 1970 bound of events */
		if (timefmt_parse_date(birthday, &us) != 0 || birthday[0] < '1' ||
		    (birthday[0] == '1' && birthday[1] < '9') || birthday[0] > '2')
			json_error_add(errors, "/birthday",
			               "must be a date YYYY-MM-DD from 1900 to 2999");
		else
			memcpy(in->birthday, birthday, 11);
	}
	json_t *attrs = json_object_get(body, "attributes");
	if (attrs && !json_is_null(attrs)) {
		char *text = json_is_object(attrs) ? json_dumps(attrs, JSON_COMPACT) : NULL;
		if (!json_is_object(attrs))
			json_error_add(errors, "/attributes", "must be a JSON object");
		else if (!text || strlen(text) > CUSTOMER_ATTRIBUTES_MAX_BYTES)
			json_error_add(errors, "/attributes",
			               "must be at most 16384 bytes as JSON");
		else if (json_depth(attrs) > 8)
			json_error_add(errors, "/attributes",
			               "must be nested at most 8 levels deep");
		else {
			in->attributes = text;
			text = NULL;
		}
		free(text);
	}
	parse_tags(body, in, errors);
	return json_array_size(errors) ? -1 : 0;
}

void customer_input_release(struct customer_input *in)
{
	free(in->attributes);
	free(in->tags);
	in->attributes = in->tags = NULL;
}
