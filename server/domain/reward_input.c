/* reward_input.c - checking a reward of the catalogue. */
#include "domain/reward_input.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/json_util.h"
#include "base/timefmt.h"
#include "domain/coupon_code.h"
#include "domain/currency.h"
#include "domain/validate.h"

const char *const reward_input_fields[] = {"name",
                                           "points_cost",
                                           "kind",
                                           "amount",
                                           "currency",
                                           "percent",
                                           "description",
                                           "tier",
                                           "starts_at",
                                           "ends_at",
                                           "stock",
                                           "per_customer_limit",
                                           "coupon_valid_days",
                                           "refund_on_expiry",
                                           "codes",
                                           "code_prefix",
                                           "code_length",
                                           "enabled",
                                           NULL};

static const char *const kinds[] = {"fixed_amount", "percent", "free_shipping",
                                    "gift",         "custom",  NULL};

static bool given(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	return v && !json_is_null(v);
}

/* A whole number member from lo to hi written into buf; NULL when absent or null (and,
 * when required, an error), or after an error. */
static const char *whole(const json_t *obj, const char *key, long long lo, long long hi,
                         bool required, char *buf, size_t cap, json_t *errors)
{
	char ptr[48], msg[96];
	const json_t *v = json_object_get(obj, key);
	snprintf(ptr, sizeof(ptr), "/%s", key);
	if (!v || json_is_null(v)) {
		if (required)
			json_error_add(errors, ptr, "is required");
		return NULL;
	}
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		snprintf(msg, sizeof(msg), "must be a whole number from %lld to %lld%s", lo, hi,
		         required ? "" : ", or null");
		json_error_add(errors, ptr, msg);
		return NULL;
	}
	snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
	return buf;
}

/* A decimal above 0 and at most max (whole units) with at most 4 decimals, into buf. */
static const char *decimal(const json_t *obj, const char *key, int64_t max, char *buf,
                           json_t *errors)
{
	char ptr[48], msg[120];
	int64_t units = 0;
	snprintf(ptr, sizeof(ptr), "/%s", key);
	if (money_from_json(json_object_get(obj, key), buf) != NULL ||
	    money_parse(buf, false, &units) != 0 || units <= 0 ||
	    (max > 0 && units > max * MONEY_SCALE)) {
		if (max > 0)
			snprintf(
			    msg, sizeof(msg),
			    "must be a decimal above 0 and at most %lld, with at most 4 decimals, "
			    "such as \"10\" or \"12.5\"",
			    (long long)max);
		else
			snprintf(
			    msg, sizeof(msg),
			    "must be a decimal above 0 with at most 4 decimals, such as \"5.00\"");
		json_error_add(errors, ptr, msg);
		return NULL;
	}
	return buf;
}

static const char *instant(const json_t *obj, const char *key, int64_t *us, json_t *errors)
{
	char ptr[48];
	const json_t *v = json_object_get(obj, key);
	snprintf(ptr, sizeof(ptr), "/%s", key);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v) || timefmt_parse_rfc3339(json_string_value(v), us) != 0) {
		json_error_add(
		    errors, ptr,
		    "must be an RFC 3339 time such as 2026-12-05T00:00:00+01:00, or null");
		return NULL;
	}
	return json_string_value(v);
}

static const char *boolean(const json_t *obj, const char *key, json_t *errors)
{
	char ptr[48];
	const json_t *v = json_object_get(obj, key);
	snprintf(ptr, sizeof(ptr), "/%s", key);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_boolean(v)) {
		json_error_add(errors, ptr, "must be true or false");
		return NULL;
	}
	return json_is_true(v) ? "true" : "false";
}

/* Refuses key when the kind is not one that takes it. */
static void only_for(const json_t *obj, const char *key, const char *kind, json_t *errors)
{
	char ptr[48], msg[80];
	if (!given(obj, key))
		return;
	snprintf(ptr, sizeof(ptr), "/%s", key);
	snprintf(msg, sizeof(msg), "is only for a reward of kind %s", kind);
	json_error_add(errors, ptr, msg);
}

static void kind_members(const json_t *obj, struct reward_input *in, json_t *errors)
{
	bool fixed = in->kind && strcmp(in->kind, "fixed_amount") == 0;
	bool pct = in->kind && strcmp(in->kind, "percent") == 0;
	if (fixed) {
		if (!given(obj, "amount"))
			json_error_add(errors, "/amount", "is required for a fixed_amount reward");
		else
			in->amount = decimal(obj, "amount", 0, in->buf_amount, errors);
		const char *cur = validate_string(obj, "currency", "", 3, 3, false, errors);
		if (!given(obj, "currency"))
			json_error_add(errors, "/currency",
			               "is required for a fixed_amount reward: an ISO 4217 code");
		else if (cur && !currency_is_valid(cur))
			json_error_add(errors, "/currency", "is not an ISO 4217 currency code");
		else
			in->currency = cur;
	} else if (in->kind) {
		only_for(obj, "amount", "fixed_amount", errors);
		only_for(obj, "currency", "fixed_amount", errors);
	}
	if (pct) {
		if (!given(obj, "percent"))
			json_error_add(errors, "/percent", "is required for a percent reward");
		else
			in->percent = decimal(obj, "percent", 100, in->buf_percent, errors);
	} else if (in->kind) {
		only_for(obj, "percent", "percent", errors);
	}
	if (in->kind && strcmp(in->kind, "gift") == 0 && (!in->description || !in->description[0]))
		json_error_add(errors, "/description", "is required for a gift: what the gift is");
}

void reward_input_parse(const json_t *obj, struct reward_input *in, json_t *errors)
{
	int64_t from = 0, to = 0;
	memset(in, 0, sizeof(*in));
	in->name = validate_string(obj, "name", "", 1, 200, true, errors);
	in->points_cost = whole(obj, "points_cost", 1, 1000000000, true, in->buf_cost,
	                        sizeof(in->buf_cost), errors);
	const char *kind = validate_string(obj, "kind", "", 1, 20, true, errors);
	for (size_t i = 0; kind && kinds[i]; i++)
		if (strcmp(kind, kinds[i]) == 0)
			in->kind = kinds[i];
	if (kind && !in->kind)
		json_error_add(errors, "/kind",
		               "must be fixed_amount, percent, free_shipping, gift or custom");
	if (given(obj, "description"))
		in->description = validate_string(obj, "description", "", 0, 1000, false, errors);
	kind_members(obj, in, errors);
	if (given(obj, "tier"))
		in->tier = validate_string(obj, "tier", "", 1, 64, false, errors);
	in->starts_at = instant(obj, "starts_at", &from, errors);
	in->ends_at = instant(obj, "ends_at", &to, errors);
	if (in->starts_at && in->ends_at && to <= from)
		json_error_add(errors, "/ends_at", "must be after starts_at");
	in->stock =
	    whole(obj, "stock", 0, 100000000, false, in->buf_stock, sizeof(in->buf_stock), errors);
	in->per_customer_limit = whole(obj, "per_customer_limit", 1, 1000000, false, in->buf_limit,
	                               sizeof(in->buf_limit), errors);
	in->coupon_valid_days = whole(obj, "coupon_valid_days", 1, 3650, false, in->buf_days,
	                              sizeof(in->buf_days), errors);
	in->refund_on_expiry = boolean(obj, "refund_on_expiry", errors);
	in->enabled = boolean(obj, "enabled", errors);
	if (given(obj, "codes")) {
		const char *codes = validate_string(obj, "codes", "", 1, 16, false, errors);
		if (codes && strcmp(codes, "generated") != 0 && strcmp(codes, "pool") != 0)
			json_error_add(
			    errors, "/codes",
			    "must be generated (a code made at each redemption) or pool");
		else
			in->codes = codes;
	}
	if (given(obj, "code_prefix")) {
		const char *p =
		    validate_string(obj, "code_prefix", "", 0, COUPON_PREFIX_MAX, false, errors);
		if (p && !coupon_prefix_ok(p))
			json_error_add(errors, "/code_prefix",
			               "must be 0 to 16 of the capitals A-Z, digits and '-'");
		else
			in->code_prefix = p;
	}
	in->code_length = whole(obj, "code_length", COUPON_RANDOM_MIN, COUPON_RANDOM_MAX, false,
	                        in->buf_length, sizeof(in->buf_length), errors);
}
