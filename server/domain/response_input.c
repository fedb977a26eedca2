/* response_input.c - validation of survey answers. */
#include "domain/response_input.h"

#include <stdio.h>
#include <string.h>

#include "base/json_util.h"
#include "base/timefmt.h"
#include "domain/identity.h"
#include "domain/validate.h"

int response_input_parse(const json_t *body, const struct survey_info *info,
                         struct response_input *in, json_t *errors)
{
	static const char *const fields[] = {"id",      "customer_id",  "customer_hash",
	                                     "score",   "comment",      "channel",
	                                     "answers", "responded_at", NULL};
	static const char *const channels[] = {"email", "web", "in_app", "sms", "other", NULL};
	bool nps = strcmp(info->kind, "nps") == 0;
	memset(in, 0, sizeof(*in));
	in->channel = "other";
	if (!validate_object(body, "", errors))
		return -1;
	validate_known_fields(body, fields, "", errors);
	in->client_id = validate_string(body, "id", "", 1, 128, false, errors);
	in->customer_id = validate_string(body, "customer_id", "", 1, 128, false, errors);
	in->customer_hash = validate_string(body, "customer_hash", "", 1, 128, false, errors);
	if (in->customer_hash && !identity_hash_well_formed(in->customer_hash))
		json_error_add(errors, "/customer_hash",
		               "must be 64 hex digits: HMAC-SHA256 of customer_id");
	else if (in->customer_hash && !json_object_get(body, "customer_id"))
		json_error_add(errors, "/customer_hash", "is given without customer_id");
	json_t *score = json_object_get(body, "score");
	json_int_t lo = nps ? 0 : 1, hi = nps ? 10 : 5;
	if (!score || json_is_null(score))
		json_error_add(errors, "/score", "is required");
	else if (!json_is_integer(score) || json_integer_value(score) < lo ||
	         json_integer_value(score) > hi)
		json_error_add(errors, "/score",
		               nps ? "must be a whole number from 0 to 10"
		                   : "must be a whole number from 1 to 5");
	else
		snprintf(in->score, sizeof(in->score), "%d", (int)json_integer_value(score));
	in->comment = validate_string(body, "comment", "", 0, RESPONSE_COMMENT_MAX, false, errors);
	const char *channel = validate_string(body, "channel", "", 1, 16, false, errors);
	if (channel) {
		bool known = false;
		for (const char *const *c = channels; *c && !known; c++)
			known = strcmp(*c, channel) == 0;
		if (!known)
			json_error_add(errors, "/channel",
			               "must be email, web, in_app, sms or other");
		else
			in->channel = channel;
	}
	json_t *answers = json_object_get(body, "answers");
	if (answers && !json_is_null(answers)) {
		size_t i;
		json_t *a;
		char msg[96];
		if (!json_is_array(answers) ||
		    json_array_size(answers) > (size_t)info->follow_ups) {
			snprintf(
			    msg, sizeof(msg),
			    "must be an array of at most %d answer(s), one per follow-up question",

			    info->follow_ups);
			json_error_add(errors, "/answers", msg);
		} else {
			json_array_foreach (answers, i, a) {
				char ptr[32];
				snprintf(ptr, sizeof(ptr), "/answers/%zu", i);
				if (!json_is_null(a) && (!json_is_string(a) ||
				                         validate_utf8_chars(json_string_value(a)) >
				                             RESPONSE_COMMENT_MAX))
					json_error_add(
					    errors, ptr,
					    "must be a text of at most 4000 characters or null");
			}
			if (json_array_size(errors) == 0)
				in->answers = json_dumps(answers, JSON_COMPACT);
		}
	}
	const char *when = validate_string(body, "responded_at", "", 1, 64, false, errors);
	if (when) {
		int64_t us;
		if (timefmt_parse_rfc3339(when, &us) != 0 || !timefmt_in_range(us))
			json_error_add(errors, "/responded_at",
			               "must be an RFC 3339 time from 1970 to 2100");
		else {
			timefmt_format(us, in->responded_at);
			in->responded_us = us;
		}
	}
	return json_array_size(errors) ? -1 : 0;
}
