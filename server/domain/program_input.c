/* program_input.c - validation of the points programme. */
#include "domain/program_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json_util.h"
#include "domain/currency.h"
#include "domain/event_input.h"
#include "domain/money.h"
#include "domain/validate.h"

/* A whole number member in [lo, hi]; def when absent. Returns -1 after an error. */
static long whole(const json_t *obj, const char *key, long lo, long hi, long def, json_t *errors)
{
	char ptr[64], msg[96];
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return def;
	validate_pointer(ptr, sizeof(ptr), "", key);
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		snprintf(msg, sizeof(msg), "must be a whole number from %ld to %ld", lo, hi);
		json_error_add(errors, ptr, msg);
		return -1;
	}
	return (long)json_integer_value(v);
}

/* A positive number with at most 4 decimals, at most max; as a canonical decimal string. */
static json_t *positive_decimal(const json_t *v, double max, const char *ptr, json_t *errors)
{
	char text[MONEY_TEXT_MAX], msg[96];
	int64_t units = 0;
	if (money_from_json(v, text) != NULL || money_parse(text, false, &units) != 0 ||
	    units <= 0 || (double)units > max * MONEY_SCALE) {
		snprintf(msg, sizeof(msg),
		         "must be a number above 0 and at most %g, with at most 4 decimals", max);
		json_error_add(errors, ptr, msg);
		return NULL;
	}
	return json_real(strtod(text, NULL));
}

static json_t *parse_event_points(const json_t *body, json_t *errors)
{
	json_t *in = json_object_get(body, "event_points"), *out = json_object();
	const char *type;
	json_t *v;
	if (!in || json_is_null(in))
		return out;
	if (!json_is_object(in) || json_object_size(in) > PROGRAM_EVENT_TYPES_MAX) {
		json_error_add(errors, "/event_points",
		               "must be an object of at most 64 event types and their points");
		return out;
	}
	json_object_foreach (in, type, v) {
		char ptr[128];
		validate_pointer(ptr, sizeof(ptr), "/event_points", type);
		if (!event_input_type_ok(type))
			json_error_add(errors, ptr, "is not an event type");
		else if (strcmp(type, "order") == 0 || strcmp(type, "refund") == 0)
			json_error_add(errors, ptr,
			               "orders earn by points_per_unit and refunds take back: "
			               "no fixed points");
		else if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		         json_integer_value(v) > 1000000)
			json_error_add(errors, ptr,
			               "must be a whole number of points from 0 to 1000000");
		else
			json_object_set_new(out, type, json_integer(json_integer_value(v)));
	}
	return out;
}

static json_t *parse_tiers(const json_t *body, json_t *errors)
{
	json_t *in = json_object_get(body, "tiers"), *out = json_array();
	static const char *const fields[] = {"name", "threshold", "multiplier", NULL};
	if (!in || json_is_null(in)) {
		json_array_append_new(out, json_pack("{s:s, s:i, s:f}", "name", "member",
		                                     "threshold", 0, "multiplier", 1.0));
		return out;
	}
	size_t n = json_array_size(in);
	if (!json_is_array(in) || n == 0 || n > PROGRAM_TIERS_MAX) {
		json_error_add(errors, "/tiers", "must be an array of 1 to 20 tiers");
		return out;
	}
	json_int_t last = -1;
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_array_get(in, i);
		char base[32], ptr[64];
		snprintf(base, sizeof(base), "/tiers/%zu", i);
		if (!validate_object(t, base, errors))
			continue;
		validate_known_fields(t, fields, base, errors);
		const char *name = validate_string(t, "name", base, 1, 64, true, errors);
		for (size_t k = 0; name && k < i; k++) {
			const char *other =
			    json_string_value(json_object_get(json_array_get(in, k), "name"));
			if (other && strcmp(other, name) == 0) {
				snprintf(ptr, sizeof(ptr), "%s/name", base);
				json_error_add(errors, ptr, "is the name of an earlier tier");
				name = NULL;
			}
		}
		json_t *th = json_object_get(t, "threshold");
		snprintf(ptr, sizeof(ptr), "%s/threshold", base);
		json_int_t threshold = json_is_integer(th) ? json_integer_value(th) : -1;
		if (!json_is_integer(th) || threshold < 0 || threshold > 1000000000)
			json_error_add(errors, ptr,
			               "must be a whole number of points from 0 to 1000000000");
		else if (i == 0 && threshold != 0)
			json_error_add(errors, ptr,
			               "must be 0 for the first tier: every member has a tier");
		else if (i > 0 && threshold <= last)
			json_error_add(errors, ptr, "must be above the previous tier's threshold");
		last = threshold;
		json_t *m = json_object_get(t, "multiplier"), *mult = NULL;
		snprintf(ptr, sizeof(ptr), "%s/multiplier", base);
		if (!m || json_is_null(m))
			mult = json_real(1.0);
		else
			mult = positive_decimal(m, 100, ptr, errors);
		if (name && mult && threshold >= 0)
			json_array_append_new(out, json_pack("{s:s, s:I, s:o}", "name", name,
			                                     "threshold", threshold, "multiplier",
			                                     mult));
		else
			json_decref(mult);
	}
	return out;
}

json_t *program_input_parse(const json_t *body, json_t *errors)
{
	static const char *const fields[] = {
	    "currency",         "points_per_unit", "rounding",   "event_points", "tiers",
	    "tier_window_days", "expiry_days",     "min_redeem", "point_value",  NULL};
	char value[32];
	if (!validate_object(body, "", errors))
		return NULL;
	validate_known_fields(body, fields, "", errors);
	const char *currency = validate_string(body, "currency", "", 3, 3, true, errors);
	if (currency && !currency_is_valid(currency)) {
		json_error_add(errors, "/currency", "must be an ISO 4217 code such as EUR");
		currency = NULL;
	}
	json_t *ppu = json_object_get(body, "points_per_unit"), *points_per_unit = NULL;
	if (!ppu || json_is_null(ppu))
		json_error_add(errors, "/points_per_unit", "is required");
	else
		points_per_unit = positive_decimal(ppu, 10000, "/points_per_unit", errors);
	const char *rounding = validate_string(body, "rounding", "", 1, 8, false, errors);
	if (rounding && strcmp(rounding, "floor") != 0 && strcmp(rounding, "round") != 0 &&
	    strcmp(rounding, "ceil") != 0) {
		json_error_add(errors, "/rounding", "must be floor, round or ceil");
		rounding = NULL;
	}
	json_t *event_points = parse_event_points(body, errors);
	json_t *tiers = parse_tiers(body, errors);
	long window = whole(body, "tier_window_days", 1, 3650, 365, errors);
	json_t *exp = json_object_get(body, "expiry_days");
	long expiry =
	    exp && !json_is_null(exp) ? whole(body, "expiry_days", 1, 3650, 0, errors) : 0;
	long min_redeem = whole(body, "min_redeem", 0, 1000000000, 0, errors);
	json_t *pv = json_object_get(body, "point_value");
	snprintf(value, sizeof(value), "0");
	if (pv && !json_is_null(pv)) {
		const char *msg = money_from_json(pv, value);
		if (msg)
			json_error_add(errors, "/point_value", msg);
	}
	if (json_array_size(errors) > 0) {
		json_decref(points_per_unit);
		json_decref(event_points);
		json_decref(tiers);
		return NULL;
	}
	return json_pack("{s:s, s:o, s:s, s:o, s:o, s:i, s:o, s:i, s:s}", "currency", currency,
	                 "points_per_unit", points_per_unit, "rounding",
	                 rounding ? rounding : "floor", "event_points", event_points, "tiers",
	                 tiers, "tier_window_days", (int)window, "expiry_days",
	                 expiry > 0 ? json_integer(expiry) : json_null(), "min_redeem",
	                 (int)min_redeem, "point_value", value);
}
