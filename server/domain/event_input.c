/* event_input.c - validation and normalisation of events. */
#include "domain/event_input.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json_util.h"
#include "base/timefmt.h"
#include "domain/currency.h"
#include "domain/money.h"
#include "domain/validate.h"

static const char *const event_fields[] = {"id",          "customer_id", "type",
                                           "occurred_at", "amount",      "currency",
                                           "order_id",    "properties",  NULL};

bool event_input_type_ok(const char *type)
{
	size_t n = strlen(type);
	if (n < 1 || n > 64 || type[0] < 'a' || type[0] > 'z')
		return false;
	for (size_t i = 1; i < n; i++) {
		char c = type[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

/* A membership_purchased event grants properties.tier until properties.until. */
static void check_membership(const json_t *ev, const char *base, json_t *errors)
{
	char ptr[96], props[96];
	json_t *p = json_object_get(ev, "properties");
	int64_t us;
	validate_pointer(props, sizeof(props), base, "properties");
	if (!json_is_object(p)) {
		json_error_add(errors, props,
		               "is required for membership_purchased: {\"tier\": …, \"until\": …}");
		return;
	}
	validate_string(p, "tier", props, 1, 64, true, errors);
	const char *until = validate_string(p, "until", props, 1, 64, true, errors);
	validate_pointer(ptr, sizeof(ptr), props, "until");
	if (until && (timefmt_parse_rfc3339(until, &us) != 0 || !timefmt_in_range(us)))
		json_error_add(errors, ptr, "must be an RFC 3339 time from 1970 to 2100");
}

/* Validates one event at pointer base; on success adds its normalised form to out. */
static void parse_event(const json_t *ev, const char *base, json_t *out, json_t *errors)
{
	char ptr[96], buf[32];
	size_t errors_before = json_array_size(errors);
	if (!validate_object(ev, base, errors))
		return;
	validate_known_fields(ev, event_fields, base, errors);
	json_t *norm = json_object();

	const char *id = validate_string(ev, "id", base, 1, EVENT_ID_MAX_CHARS, false, errors);
	const char *customer =
	    validate_string(ev, "customer_id", base, 1, EVENT_ID_MAX_CHARS, true, errors);
	const char *type = validate_string(ev, "type", base, 1, 64, true, errors);
	if (type && !event_input_type_ok(type)) {
		validate_pointer(ptr, sizeof(ptr), base, "type");
		json_error_add(errors, ptr,
		               "must be order, refund, visit, review, referral, signup, "
		               "support_ticket, membership_purchased or a custom type "
		               "[a-z][a-z0-9_]{0,63}");
		type = NULL;
	}
	const char *when = validate_string(ev, "occurred_at", base, 1, 64, true, errors);
	if (when) {
		int64_t us;
		validate_pointer(ptr, sizeof(ptr), base, "occurred_at");
		if (timefmt_parse_rfc3339(when, &us) != 0) {
			json_error_add(errors, ptr,
			               "must be an RFC 3339 time such as 2026-03-01T12:00:00Z");
		} else if (!timefmt_in_range(us)) {
			json_error_add(errors, ptr, "must be from 1970 to 2100");
		} else {
			char norm_time[32];
			timefmt_format(us, norm_time);
			json_object_set_new(norm, "occurred_at", json_string(norm_time));
		}
	}
	bool money_type = type && (strcmp(type, "order") == 0 || strcmp(type, "refund") == 0);
	json_t *amount = json_object_get(ev, "amount");
	bool has_amount = amount && !json_is_null(amount);
	validate_pointer(ptr, sizeof(ptr), base, "amount");
	if (has_amount) {
		const char *msg = money_from_json(amount, buf);
		if (msg)
			json_error_add(errors, ptr, msg);
		else
			json_object_set_new(norm, "amount", json_string(buf));
	} else if (money_type) {
		json_error_add(errors, ptr, "is required for order and refund events");
	}
	json_t *currency = json_object_get(ev, "currency");
	bool has_currency = currency && !json_is_null(currency);
	validate_pointer(ptr, sizeof(ptr), base, "currency");
	if (has_currency) {
		if (!json_is_string(currency) || !currency_is_valid(json_string_value(currency)))
			json_error_add(errors, ptr, "must be an ISO 4217 code such as EUR");
		else
			json_object_set_new(norm, "currency", json_copy(currency));
	} else if (has_amount) {
		json_error_add(errors, ptr, "is required with an amount");
	}
	if (has_currency && !has_amount && !money_type) {
		validate_pointer(ptr, sizeof(ptr), base, "amount");
		json_error_add(errors, ptr, "is required with a currency");
	}
	const char *order = validate_string(ev, "order_id", base, 1, 128, false, errors);
	if (!order && type && strcmp(type, "refund") == 0 && !json_object_get(ev, "order_id")) {
		validate_pointer(ptr, sizeof(ptr), base, "order_id");
		json_error_add(errors, ptr, "is required for a refund: the order it refunds");
	}
	json_t *props = json_object_get(ev, "properties");
	if (props && !json_is_null(props)) {
		validate_pointer(ptr, sizeof(ptr), base, "properties");
		char *text = json_is_object(props) ? json_dumps(props, JSON_COMPACT) : NULL;
		if (!json_is_object(props))
			json_error_add(errors, ptr, "must be a JSON object");
		else if (!text || strlen(text) > EVENT_PROPERTIES_MAX_BYTES)
			json_error_add(errors, ptr, "must be at most 16384 bytes as JSON");
		else if (json_depth(props) > EVENT_PROPERTIES_MAX_DEPTH)
			json_error_add(errors, ptr, "must be nested at most 8 levels deep");
		else
			json_object_set(norm, "properties", props);
		free(text);
	}
	if (type && strcmp(type, "membership_purchased") == 0)
		check_membership(ev, base, errors);
	if (json_array_size(errors) > errors_before) {
		json_decref(norm);
		return;
	}
	if (id)
		json_object_set_new(norm, "id", json_string(id));
	json_object_set_new(norm, "customer_id", json_string(customer));
	json_object_set_new(norm, "type", json_string(type));
	if (order)
		json_object_set_new(norm, "order_id", json_string(order));
	json_array_append_new(out, norm);
}

json_t *event_input_parse(const json_t *body, json_t *errors)
{
	static const char *const batch_fields[] = {"events", NULL};
	json_t *out = json_array();
	if (!validate_object(body, "", errors))
		goto fail;
	json_t *events = json_object_get(body, "events");
	if (!events) {
		parse_event(body, "", out, errors);
	} else {
		char msg[96];
		validate_known_fields(body, batch_fields, "", errors);
		size_t n = json_array_size(events);
		if (!json_is_array(events) || n == 0 || n > EVENTS_MAX_BATCH) {
			snprintf(msg, sizeof(msg), "must be an array of 1 to %d events%s",
			         EVENTS_MAX_BATCH,
			         n > EVENTS_MAX_BATCH ? " (send larger sets in batches)" : "");
			json_error_add(errors, "/events", msg);
			goto fail;
		}
		for (size_t i = 0; i < n && json_array_size(errors) < EVENT_ERRORS_MAX; i++) {
			char base[32];
			snprintf(base, sizeof(base), "/events/%zu", i);
			parse_event(json_array_get(events, i), base, out, errors);
		}
	}
	if (json_array_size(errors) == 0)
		return out;
fail:
	json_decref(out);
	return NULL;
}
