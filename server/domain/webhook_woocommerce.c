/* webhook_woocommerce.c - WooCommerce deliveries as loyaltyd commands (webhook_map.h).
 *
 * The payload of order.* and customer.* is the REST API v3 resource. An order counts once
 * paid (date_paid_gmt set, or status processing or completed); status refunded or
 * cancelled cancels it, which refunds whatever its listed refunds have not; the refunds
 * it lists (id and a negative total) are its refunds, dated by the delivery's
 * date_modified_gmt since the order payload gives no date of its own. */
#include <stdio.h>
#include <string.h>

#include "base/json_util.h"
#include "domain/currency.h"
#include "domain/event_input.h"
#include "domain/money.h"
#include "domain/validate.h"
#include "domain/webhook_map.h"

/* The customer of an order: the registered customer_id, or a guest by billing email. */
static json_t *order_customer(const json_t *p, json_t *errors)
{
	char ext[129];
	const json_t *bill = json_object_get(p, "billing");
	const char *email = webhook_map_str(bill, "email");
	const json_t *cid = json_object_get(p, "customer_id");
	if (cid && !json_is_null(cid) && !(json_is_integer(cid) && json_integer_value(cid) == 0)) {
		char id[WEBHOOK_ID_MAX + 1];
		if (!webhook_map_id(p, "customer_id", "", true, id, errors))
			return NULL;
		snprintf(ext, sizeof(ext), "woocommerce:%s", id);
	} else if (!webhook_map_guest_id(WEBHOOK_WOOCOMMERCE, email, ext)) {
		return NULL; /* no one to credit: the order is kept, earning nothing */
	}
	return webhook_map_customer(ext, email, webhook_map_str(bill, "first_name"),
	                            webhook_map_str(bill, "last_name"), NULL, NULL);
}

static json_t *order_cmd(const json_t *p, char *delivery, json_t *errors)
{
	char id[WEBHOOK_ID_MAX + 1], placed[32], modified[32], paid_at[32], amount[32];
	size_t before = json_array_size(errors);
	json_t *refunds = json_object();

	webhook_map_id(p, "id", "", true, id, errors);
	json_t *customer = order_customer(p, errors);
	webhook_map_time(p, "date_created_gmt", "", true, true, placed, errors);
	webhook_map_time(p, "date_modified_gmt", "", true, true, modified, errors);
	int has_paid = webhook_map_time(p, "date_paid_gmt", "", true, false, paid_at, errors);
	const char *msg = money_from_json(json_object_get(p, "total"), amount);
	if (msg)
		json_error_add(errors, "/total", msg);
	const char *currency = webhook_map_str(p, "currency");
	if (!currency || !currency_is_valid(currency))
		json_error_add(errors, "/currency", "must be an ISO 4217 code such as EUR");
	const char *status = webhook_map_str(p, "status");
	if (!status || strlen(status) > 64 || !validate_utf8(status))
		json_error_add(errors, "/status", "must be the order's status");
	const json_t *list = json_object_get(p, "refunds");
	size_t i;
	const json_t *r;
	json_array_foreach (list, i, r) {
		char base[32], rid[WEBHOOK_ID_MAX + 1], ptr[48], canon[32];
		int64_t units;
		snprintf(base, sizeof(base), "/refunds/%zu", i);
		if (!validate_object(r, base, errors) ||
		    !webhook_map_id(r, "id", base, true, rid, errors))
			continue;
		/* "-10.00": the refunded amount, written as a negative total */
		const char *total = webhook_map_str(r, "total");
		snprintf(ptr, sizeof(ptr), "%s/total", base);
		if (!total || money_parse(total, true, &units) != 0) {
			json_error_add(errors, ptr, "must be a decimal string such as \"-10.00\"");
			continue;
		}
		money_format(units < 0 ? -units : units, canon);
		json_object_set_new(refunds, rid,
		                    json_pack("{s:s, s:s}", "amount", canon, "at", modified));
	}
	if (json_array_size(errors) > before) {
		json_decref(customer);
		json_decref(refunds);
		return NULL;
	}
	bool paid =
	    has_paid == 1 || strcmp(status, "processing") == 0 || strcmp(status, "completed") == 0;
	bool cancelled = strcmp(status, "cancelled") == 0 || strcmp(status, "refunded") == 0;
	snprintf(delivery, WEBHOOK_DELIVERY_MAX + 1, "order:%s:%s", id, modified);
	json_t *order =
	    json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:o}", "id", id, "placed_at", placed,
	              "amount", amount, "currency", currency, "paid", paid, "cancelled_at",
	              cancelled ? json_string(modified) : json_null(), "cancel_reason",
	              cancelled ? json_string(status) : json_null(), "refunds", refunds);
	return json_pack("{s:s, s:o, s:o}", "type", "order", "customer",
	                 customer ? customer : json_null(), "order", order);
}

static json_t *customer_cmd(const json_t *p, char *delivery, json_t *errors)
{
	char id[WEBHOOK_ID_MAX + 1], ext[64], created[32], modified[32];
	size_t before = json_array_size(errors);
	webhook_map_id(p, "id", "", true, id, errors);
	webhook_map_time(p, "date_created_gmt", "", true, false, created, errors);
	webhook_map_time(p, "date_modified_gmt", "", true, true, modified, errors);
	if (json_array_size(errors) > before)
		return NULL;
	snprintf(ext, sizeof(ext), "woocommerce:%s", id);
	snprintf(delivery, WEBHOOK_DELIVERY_MAX + 1, "customer:%s:%s", id, modified);
	json_t *c =
	    webhook_map_customer(ext, webhook_map_str(p, "email"), webhook_map_str(p, "first_name"),
	                         webhook_map_str(p, "last_name"), created, modified);
	return json_pack("{s:s, s:o}", "type", "customer", "customer", c);
}

json_t *webhook_woocommerce_map(const char *topic, const json_t *payload, char *delivery,
                                json_t *errors)
{
	bool order =
	    topic && (strcmp(topic, "order.created") == 0 || strcmp(topic, "order.updated") == 0);
	bool customer = topic && (strcmp(topic, "customer.created") == 0 ||
	                          strcmp(topic, "customer.updated") == 0);
	delivery[0] = '\0';
	if (!order && !customer)
		return json_pack("{s:s}", "type", "ignored");
	if (!validate_object(payload, "", errors))
		return NULL;
	return order ? order_cmd(payload, delivery, errors)
	             : customer_cmd(payload, delivery, errors);
}
