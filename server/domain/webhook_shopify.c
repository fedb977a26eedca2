/* webhook_shopify.c - Shopify deliveries as loyaltyd commands (webhook_map.h).
 *
 * An order counts from the first delivery that shows it paid (financial_status paid,
 * partially_paid, partially_refunded or refunded): pending, authorized and voided orders
 * earn nothing. Its refunds are the money its refund transactions returned (kind refund,
 * status success), read from refunds/create and from the refunds listed in every order
 * payload, so that whichever arrives first, the same refunds are known. */
#include <stdio.h>
#include <string.h>

#include "base/json_util.h"
#include "domain/currency.h"
#include "domain/event_input.h"
#include "domain/money.h"
#include "domain/validate.h"
#include "domain/webhook_map.h"

static bool one_of(const char *s, const char *const *list)
{
	for (size_t i = 0; s && list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* Shopify's payloads carry each id twice: as a number and inside admin_graphql_api_id
 * ("gid://shopify/Order/820982911946154508"). A payload that went through a double on
 * its way has a number that no longer agrees: refuse it rather than store a wrong id. */
static void gid_agrees(const json_t *obj, const char *what, const char *id, const char *base,
                       json_t *errors)
{
	char prefix[64], ptr[128];
	const char *gid = webhook_map_str(obj, "admin_graphql_api_id");
	if (!gid || !id[0])
		return;
	snprintf(prefix, sizeof(prefix), "gid://shopify/%s/", what);
	size_t n = strlen(prefix);
	if (strncmp(gid, prefix, n) != 0 || strcmp(gid + n, id) == 0)
		return;
	validate_pointer(ptr, sizeof(ptr), base, "id");
	json_error_add(errors, ptr,
	               "disagrees with admin_graphql_api_id: the id has lost digits on its way "
	               "(read through a double?)");
}

static json_t *customer_of(const json_t *c, const char *base, json_t *errors)
{
	char id[WEBHOOK_ID_MAX + 1], ext[64], created[32], updated[32];
	size_t before = json_array_size(errors);
	webhook_map_id(c, "id", base, true, id, errors);
	gid_agrees(c, "Customer", id, base, errors);
	webhook_map_time(c, "created_at", base, false, false, created, errors);
	webhook_map_time(c, "updated_at", base, false, false, updated, errors);
	if (json_array_size(errors) > before)
		return NULL;
	snprintf(ext, sizeof(ext), "shopify:%s", id);
	return webhook_map_customer(ext, webhook_map_str(c, "email"),
	                            webhook_map_str(c, "first_name"),
	                            webhook_map_str(c, "last_name"), created, updated);
}

/* Adds {"<id>": {"amount", "at"}} for refund r to refunds. */
static void refund_of(const json_t *r, const char *base, json_t *refunds, json_t *errors)
{
	char id[WEBHOOK_ID_MAX + 1], at[32], ptr[128], amount[32];
	size_t before = json_array_size(errors);
	int64_t total = 0;
	if (!validate_object(r, base, errors))
		return;
	webhook_map_id(r, "id", base, true, id, errors);
	gid_agrees(r, "Refund", id, base, errors);
	if (webhook_map_time(r, "created_at", base, false, false, at, errors) == 0)
		webhook_map_time(r, "processed_at", base, false, true, at, errors);
	const json_t *txs = json_object_get(r, "transactions");
	size_t i;
	const json_t *tx;
	json_array_foreach (txs, i, tx) {
		const char *kind = webhook_map_str(tx, "kind");
		const char *status = webhook_map_str(tx, "status");
		if (!kind || !status || strcmp(kind, "refund") != 0 ||
		    strcmp(status, "success") != 0)
			continue;
		char txbase[96], canon[32];
		int64_t units;
		snprintf(txbase, sizeof(txbase), "%s/transactions/%zu", base, i);
		validate_pointer(ptr, sizeof(ptr), txbase, "amount");
		const char *msg = money_from_json(json_object_get(tx, "amount"), canon);
		if (msg || money_parse(canon, true, &units) != 0)
			json_error_add(errors, ptr, msg ? msg : "must be a decimal amount");
		else
			total += units;
	}
	if (json_array_size(errors) > before)
		return;
	money_format(total, amount);
	json_object_set_new(refunds, id, json_pack("{s:s, s:s}", "amount", amount, "at", at));
}

static json_t *order_cmd(const json_t *p, json_t *errors)
{
	static const char *const paid_states[] = {"paid", "partially_paid", "partially_refunded",
	                                          "refunded", NULL};
	char id[WEBHOOK_ID_MAX + 1], placed[32], cancelled[32], amount[32], guest[129];
	size_t before = json_array_size(errors);
	json_t *customer = NULL, *refunds = json_object();

	webhook_map_id(p, "id", "", true, id, errors);
	gid_agrees(p, "Order", id, "", errors);
	const json_t *c = json_object_get(p, "customer");
	if (json_is_object(c)) {
		customer = customer_of(c, "/customer", errors);
	} else {
		/* a guest checkout: the customer is known by the order's email */
		const char *email = webhook_map_str(p, "email");
		if (!email || !email[0])
			email = webhook_map_str(p, "contact_email");
		const json_t *bill = json_object_get(p, "billing_address");
		if (webhook_map_guest_id(WEBHOOK_SHOPIFY, email, guest))
			customer =
			    webhook_map_customer(guest, email, webhook_map_str(bill, "first_name"),
			                         webhook_map_str(bill, "last_name"), NULL, NULL);
	}
	webhook_map_time(p, "created_at", "", false, true, placed, errors);
	const char *msg = money_from_json(json_object_get(p, "total_price"), amount);
	if (msg)
		json_error_add(errors, "/total_price", msg);
	const char *currency = webhook_map_str(p, "currency");
	if (!currency || !currency_is_valid(currency))
		json_error_add(errors, "/currency", "must be an ISO 4217 code such as EUR");
	webhook_map_time(p, "cancelled_at", "", false, false, cancelled, errors);
	const json_t *list = json_object_get(p, "refunds");
	if (list && !json_is_null(list) && !json_is_array(list))
		json_error_add(errors, "/refunds", "must be an array");
	size_t i;
	const json_t *r;
	json_array_foreach (list, i, r) {
		char base[32];
		snprintf(base, sizeof(base), "/refunds/%zu", i);
		refund_of(r, base, refunds, errors);
	}
	if (json_array_size(errors) > before) {
		json_decref(customer);
		json_decref(refunds);
		return NULL;
	}
	const char *reason = webhook_map_str(p, "cancel_reason");
	json_t *order =
	    json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:o}", "id", id, "placed_at", placed,
	              "amount", amount, "currency", currency, "paid",
	              one_of(webhook_map_str(p, "financial_status"), paid_states), "cancelled_at",
	              cancelled[0] ? json_string(cancelled) : json_null(), "cancel_reason",
	              cancelled[0] && reason && strlen(reason) <= 64 && validate_utf8(reason)
	                  ? json_string(reason)
	                  : json_null(),
	              "refunds", refunds);
	return json_pack("{s:s, s:o, s:o}", "type", "order", "customer",
	                 customer ? customer : json_null(), "order", order);
}

static json_t *refund_cmd(const json_t *p, json_t *errors)
{
	char order_id[WEBHOOK_ID_MAX + 1];
	size_t before = json_array_size(errors);
	json_t *refunds = json_object();
	webhook_map_id(p, "order_id", "", true, order_id, errors);
	refund_of(p, "", refunds, errors);
	if (json_array_size(errors) > before) {
		json_decref(refunds);
		return NULL;
	}
	return json_pack("{s:s, s:{s:s, s:o}}", "type", "refund", "order", "id", order_id,
	                 "refunds", refunds);
}

static json_t *customer_cmd(const json_t *p, json_t *errors)
{
	json_t *c = customer_of(p, "", errors);
	return c ? json_pack("{s:s, s:o}", "type", "customer", "customer", c) : NULL;
}

/* The loyaltyd customers a privacy payload names: its customer id, and the guest known
 * by its email. */
static json_t *privacy_customers(const json_t *p, json_t *errors)
{
	char id[WEBHOOK_ID_MAX + 1], ext[64], guest[129];
	const json_t *c = json_object_get(p, "customer");
	json_t *ids = json_array();
	if (!validate_object(c, "/customer", errors) ||
	    !webhook_map_id(c, "id", "/customer", true, id, errors)) {
		json_decref(ids);
		return NULL;
	}
	snprintf(ext, sizeof(ext), "shopify:%s", id);
	json_array_append_new(ids, json_string(ext));
	if (webhook_map_guest_id(WEBHOOK_SHOPIFY, webhook_map_str(c, "email"), guest))
		json_array_append_new(ids, json_string(guest));
	return ids;
}

static json_t *redact_cmd(const json_t *p, json_t *errors)
{
	json_t *ids = privacy_customers(p, errors), *orders = json_array();
	const json_t *list = json_object_get(p, "orders_to_redact");
	size_t i;
	const json_t *v;
	json_array_foreach (list, i, v) {
		char id[WEBHOOK_ID_MAX + 1], ptr[48];
		snprintf(ptr, sizeof(ptr), "/orders_to_redact/%zu", i);
		if (json_is_integer(v) && json_integer_value(v) > 0) {
			snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
			json_array_append_new(orders, json_string(id));
		} else {
			json_error_add(errors, ptr, "must be a positive integer id");
		}
	}
	if (!ids || json_array_size(errors) > 0) {
		json_decref(ids);
		json_decref(orders);
		return NULL;
	}
	return json_pack("{s:s, s:o, s:o}", "type", "redact", "customer_ids", ids, "order_ids",
	                 orders);
}

static json_t *data_request_cmd(const json_t *p, json_t *errors)
{
	char request[WEBHOOK_ID_MAX + 1];
	json_t *ids = privacy_customers(p, errors);
	const json_t *dr = json_object_get(p, "data_request");
	bool ok = validate_object(dr, "/data_request", errors) &&
	          webhook_map_id(dr, "id", "/data_request", true, request, errors);
	if (!ids || !ok) {
		json_decref(ids);
		return NULL;
	}
	return json_pack("{s:s, s:o, s:s}", "type", "data_request", "customer_ids", ids,
	                 "request_id", request);
}

json_t *webhook_shopify_map(const char *topic, const json_t *payload, json_t *errors)
{
	static const char *const order_topics[] = {"orders/create", "orders/paid",
	                                           "orders/cancelled", "orders/updated", NULL};
	static const char *const customer_topics[] = {"customers/create", "customers/update", NULL};
	if (!topic)
		topic = "";
	if (!one_of(topic, order_topics) && !one_of(topic, customer_topics) &&
	    strcmp(topic, "refunds/create") != 0 && strcmp(topic, "customers/redact") != 0 &&
	    strcmp(topic, "customers/data_request") != 0 && strcmp(topic, "shop/redact") != 0)
		return json_pack("{s:s}", "type", "ignored");
	if (!validate_object(payload, "", errors))
		return NULL;
	if (one_of(topic, order_topics))
		return order_cmd(payload, errors);
	if (one_of(topic, customer_topics))
		return customer_cmd(payload, errors);
	if (strcmp(topic, "refunds/create") == 0)
		return refund_cmd(payload, errors);
	if (strcmp(topic, "customers/redact") == 0)
		return redact_cmd(payload, errors);
	if (strcmp(topic, "customers/data_request") == 0)
		return data_request_cmd(payload, errors);
	return json_pack("{s:s}", "type", "shop_redact");
}
