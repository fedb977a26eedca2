/* test_webhook_map.c - the Shopify and WooCommerce mappers on the real payload samples of
 * tests/fixtures/webhooks: every mapped field checked exactly (the whole command is
 * compared as sorted compact JSON), ids over 2^53 kept to the digit, the float-corrupted
 * sample refused, guests, privacy topics, unknown topics, and bad fields named by pointer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "domain/money.h"
#include "domain/webhook_map.h"

static json_t *load(const char *dir, const char *name)
{
	char path[512];
	json_error_t e;
	snprintf(path, sizeof(path), "%s/webhooks/%s/%s", FIXTURES, dir, name);
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
	if (!j)
		fail_msg("%s: %s", path, e.text);
	return j;
}

/* The command as sorted compact JSON (caller frees), or the errors prefixed "errors:";
 * takes both references. */
static char *render(json_t *cmd, json_t *errors)
{
	char *text = json_dumps(cmd ? cmd : errors, JSON_COMPACT | JSON_SORT_KEYS);
	if (!cmd) {
		char *tagged = malloc(strlen(text) + 8);
		sprintf(tagged, "errors:%s", text);
		free(text);
		text = tagged;
	} else {
		assert_int_equal(json_array_size(errors), 0);
	}
	json_decref(cmd);
	json_decref(errors);
	return text;
}

static char *shopify(const char *topic, const json_t *payload)
{
	json_t *errors = json_array();
	return render(webhook_shopify_map(topic, payload, errors), errors);
}

static char *woo(const char *topic, const json_t *payload, char *delivery)
{
	json_t *errors = json_array();
	return render(webhook_woocommerce_map(topic, payload, delivery, errors), errors);
}

static void expect(char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fail_msg("got\n%s\nwant\n%s", got, want);
	free(got);
}

static void shopify_order_sample_maps_every_field(void **state)
{
	(void)state;
	/* laravel-shopify's fixture: order 820982911946154508 (over 2^53), voided and
	 * cancelled, customer 115310627314723954 */
	json_t *p = load("shopify", "laravel-shopify_fixture_webhook_orders_create.json");
	expect(shopify("orders/create", p),
	       "{\"customer\":{\"created_at\":null,\"email\":\"john@test.com\",\"id\":"
	       "\"shopify:115310627314723954\",\"name\":\"John Smith\",\"updated_at\":null},"
	       "\"order\":{\"amount\":\"57.98\",\"cancel_reason\":\"customer\",\"cancelled_at\":"
	       "\"2017-07-17T17:44:09.000000Z\",\"currency\":\"USD\",\"id\":\"820982911946154508\","
	       "\"paid\":false,\"placed_at\":\"2017-07-17T17:44:09.000000Z\",\"refunds\":{}},"
	       "\"type\":\"order\"}");
	/* the same order paid and not cancelled, from Shopify's 2026-07 docs sample */
	json_decref(p);
	p = load("shopify", "shopify_docs_2026-07_orders_create.json");
	json_object_set_new(p, "financial_status", json_string("paid"));
	json_object_set_new(p, "cancelled_at", json_null());
	expect(shopify("orders/paid", p),
	       "{\"customer\":{\"created_at\":null,\"email\":\"john@example.com\",\"id\":"
	       "\"shopify:115310627314723954\",\"name\":\"John Smith\",\"updated_at\":null},"
	       "\"order\":{\"amount\":\"404.95\",\"cancel_reason\":null,\"cancelled_at\":null,"
	       "\"currency\":\"USD\",\"id\":\"820982911946154508\",\"paid\":true,\"placed_at\":"
	       "\"2022-01-01T00:00:00.000000Z\",\"refunds\":{}},\"type\":\"order\"}");
	/* a partially refunded order lists its refunds: what their transactions returned */
	json_t *refund = load("shopify", "shopify_docs_2026-07_refunds_create.json");
	json_object_set_new(p, "financial_status", json_string("partially_refunded"));
	json_object_set_new(p, "refunds", json_pack("[O]", refund));
	expect(shopify("orders/updated", p),
	       "{\"customer\":{\"created_at\":null,\"email\":\"john@example.com\",\"id\":"
	       "\"shopify:115310627314723954\",\"name\":\"John Smith\",\"updated_at\":null},"
	       "\"order\":{\"amount\":\"404.95\",\"cancel_reason\":null,\"cancelled_at\":null,"
	       "\"currency\":\"USD\",\"id\":\"820982911946154508\",\"paid\":true,\"placed_at\":"
	       "\"2022-01-01T00:00:00.000000Z\",\"refunds\":{\"890088186047892319\":{\"amount\":"
	       "\"85.00\",\"at\":\"2022-01-01T00:00:00.000000Z\"}}},\"type\":\"order\"}");
	for (const char *const *s =
	         (const char *const[]){"pending", "authorized", "voided", "expired", NULL};
	     *s; s++) {
		json_object_set_new(p, "financial_status", json_string(*s));
		char *got = shopify("orders/updated", p);
		assert_non_null(strstr(got, "\"paid\":false"));
		free(got);
	}
	json_decref(refund);
	json_decref(p);
}

static void shopify_refund_and_customer_samples(void **state)
{
	(void)state;
	json_t *p = load("shopify", "shopify_docs_2026-07_refunds_create.json");
	/* two successful refund transactions, 75.00 + 10.00 */
	expect(
	    shopify("refunds/create", p),
	    "{\"order\":{\"id\":\"820982911946154508\",\"refunds\":{\"890088186047892319\":{"
	    "\"amount\":\"85.00\",\"at\":\"2022-01-01T00:00:00.000000Z\"}}},\"type\":\"refund\"}");
	/* a failed transaction returned nothing */
	json_object_set_new(json_array_get(json_object_get(p, "transactions"), 1), "status",
	                    json_string("failure"));
	char *got = shopify("refunds/create", p);
	assert_non_null(strstr(got, "\"amount\":\"75.00\""));
	free(got);
	json_decref(p);

	p = load("shopify", "shopify_docs_2026-07_customers_create.json");
	expect(shopify("customers/create", p),
	       "{\"customer\":{\"created_at\":\"2022-01-01T00:00:00.000000Z\",\"email\":"
	       "\"bob@biller.com\",\"id\":\"shopify:706405506930370084\",\"name\":\"Bob Biller\","
	       "\"updated_at\":\"2022-01-01T00:00:00.000000Z\"},\"type\":\"customer\"}");
	json_decref(p);
}

static void shopify_float_corrupted_ids_are_refused(void **state)
{
	(void)state;
	/* shopify-webhooks-go's copies went through float64: "id": 820982911946154500 while
	 * admin_graphql_api_id still says …/Order/820982911946154508 */
	json_t *p = load("shopify", "shopify-webhooks-go_v2025_01_orders_create.json");
	char *got = shopify("orders/create", p);
	assert_non_null(strstr(got, "errors:"));
	assert_non_null(strstr(got, "\"pointer\":\"/id\""));
	assert_non_null(strstr(got, "admin_graphql_api_id"));
	free(got);
	json_decref(p);
	p = load("shopify", "shopify-webhooks-go_v2025_01_refunds_create.json");
	got = shopify("refunds/create", p);
	assert_non_null(strstr(got, "\"pointer\":\"/id\""));
	free(got);
	json_decref(p);
	/* a real number where an id belongs: its digits are gone */
	p = json_pack("{s:f}", "id", 820982911946154508.0);
	got = shopify("customers/update", p);
	expect(got, "errors:[{\"message\":\"must be an integer: a number with a fraction or "
	            "exponent has lost the digits of a 64-bit id\",\"pointer\":\"/id\"}]");
	json_decref(p);
	/* the largest 64-bit id survives to the digit */
	p = json_loads("{\"id\":9223372036854775807,\"email\":\"max@example.com\"}", 0, NULL);
	got = shopify("customers/update", p);
	assert_non_null(strstr(got, "\"shopify:9223372036854775807\""));
	free(got);
	json_decref(p);
}

static void shopify_guest_privacy_and_unknown_topics(void **state)
{
	(void)state;
	json_t *p = load("shopify", "shopify_docs_2026-07_orders_create.json");
	json_object_del(p, "customer");
	json_object_set_new(p, "email", json_string("Guest.Buyer@Example.COM"));
	char *got = shopify("orders/create", p);
	assert_non_null(strstr(got, "\"id\":\"shopify:email:guest.buyer@example.com\""));
	assert_non_null(strstr(got, "\"email\":\"Guest.Buyer@Example.COM\""));
	assert_non_null(strstr(got, "\"name\":\"Steve Shipper\"")); /* billing_address */
	free(got);
	json_decref(p);

	p = json_loads("{\"shop_id\":954889,\"shop_domain\":\"x.myshopify.com\",\"customer\":{"
	               "\"id\":191167,\"email\":\"john@example.com\",\"phone\":\"555-625-1199\"},"
	               "\"orders_to_redact\":[299938,280263,220458]}",
	               0, NULL);
	expect(shopify("customers/redact", p),
	       "{\"customer_ids\":[\"shopify:191167\",\"shopify:email:john@example.com\"],"
	       "\"order_ids\":[\"299938\",\"280263\",\"220458\"],\"type\":\"redact\"}");
	json_object_set_new(p, "data_request", json_pack("{s:i}", "id", 9999));
	expect(shopify("customers/data_request", p),
	       "{\"customer_ids\":[\"shopify:191167\",\"shopify:email:john@example.com\"],"
	       "\"request_id\":\"9999\",\"type\":\"data_request\"}");
	expect(shopify("shop/redact", p), "{\"type\":\"shop_redact\"}");
	expect(shopify("app/uninstalled", p), "{\"type\":\"ignored\"}");
	expect(shopify("products/create", p), "{\"type\":\"ignored\"}");
	expect(shopify(NULL, p), "{\"type\":\"ignored\"}");
	json_decref(p);
}

static void shopify_bad_fields_are_named(void **state)
{
	(void)state;
	json_t *p = json_loads("{\"id\":\"12x\",\"created_at\":\"yesterday\",\"total_price\":"
	                       "\"-1\",\"currency\":\"EURO\",\"refunds\":[{\"id\":5,\"created_at\":"
	                       "\"2024-01-01T00:00:00Z\",\"transactions\":[{\"kind\":\"refund\","
	                       "\"status\":\"success\",\"amount\":\"1.23456\"}]}]}",
	                       0, NULL);
	char *got = shopify("orders/create", p);
	assert_non_null(strstr(got, "\"pointer\":\"/id\""));
	assert_non_null(strstr(got, "\"pointer\":\"/created_at\""));
	assert_non_null(strstr(got, "\"pointer\":\"/total_price\""));
	assert_non_null(strstr(got, "\"pointer\":\"/currency\""));
	assert_non_null(strstr(got, "\"pointer\":\"/refunds/0/transactions/0/amount\""));
	free(got);
	json_decref(p);
	p = json_loads("[1,2]", 0, NULL);
	expect(shopify("orders/create", p), "errors:[{\"message\":\"must be a JSON object\","
	                                    "\"pointer\":\"\"}]");
	json_decref(p);
}

static void woocommerce_order_sample_maps_every_field(void **state)
{
	(void)state;
	char delivery[WEBHOOK_DELIVERY_MAX + 1];
	/* order 727 of the REST v3 docs: a guest (customer_id 0), processing, paid */
	json_t *p = load("woocommerce", "wc_rest_v3_order_create_response_example.json");
	expect(woo("order.created", p, delivery),
	       "{\"customer\":{\"created_at\":null,\"email\":\"john.doe@example.com\",\"id\":"
	       "\"woocommerce:email:john.doe@example.com\",\"name\":\"John Doe\",\"updated_at\":"
	       "null},\"order\":{\"amount\":\"29.35\",\"cancel_reason\":null,\"cancelled_at\":null,"
	       "\"currency\":\"USD\",\"id\":\"727\",\"paid\":true,\"placed_at\":"
	       "\"2017-03-22T19:28:02.000000Z\",\"refunds\":{}},\"type\":\"order\"}");
	assert_string_equal(delivery, "order:727:2017-03-22T19:28:08.000000Z");
	/* registered, refunded in part and then wholly: refunded status cancels */
	json_object_set_new(p, "customer_id", json_integer(25));
	json_object_set_new(p, "status", json_string("refunded"));
	json_object_set_new(p, "date_modified_gmt", json_string("2017-03-23T10:00:00"));
	json_object_set_new(
	    p, "refunds",
	    json_pack("[{s:i, s:s, s:s}]", "id", 726, "reason", "", "total", "-10.00"));
	expect(woo("order.updated", p, delivery),
	       "{\"customer\":{\"created_at\":null,\"email\":\"john.doe@example.com\",\"id\":"
	       "\"woocommerce:25\",\"name\":\"John Doe\",\"updated_at\":null},\"order\":{"
	       "\"amount\":\"29.35\",\"cancel_reason\":\"refunded\",\"cancelled_at\":"
	       "\"2017-03-23T10:00:00.000000Z\",\"currency\":\"USD\",\"id\":\"727\",\"paid\":true,"
	       "\"placed_at\":\"2017-03-22T19:28:02.000000Z\",\"refunds\":{\"726\":{\"amount\":"
	       "\"10.00\",\"at\":\"2017-03-23T10:00:00.000000Z\"}}},\"type\":\"order\"}");
	assert_string_equal(delivery, "order:727:2017-03-23T10:00:00.000000Z");
	/* pending and unpaid: not an order yet; cancelled unpaid: nothing to take back */
	json_object_set_new(p, "status", json_string("pending"));
	json_object_set_new(p, "date_paid_gmt", json_null());
	char *got = woo("order.updated", p, delivery);
	assert_non_null(strstr(got, "\"paid\":false"));
	assert_non_null(strstr(got, "\"cancelled_at\":null"));
	free(got);
	json_object_set_new(p, "status", json_string("cancelled"));
	got = woo("order.updated", p, delivery);
	assert_non_null(strstr(got, "\"paid\":false"));
	assert_non_null(strstr(got, "\"cancel_reason\":\"cancelled\""));
	free(got);
	json_decref(p);
}

static void woocommerce_customer_and_other_topics(void **state)
{
	(void)state;
	char delivery[WEBHOOK_DELIVERY_MAX + 1];
	json_t *p = load("woocommerce", "wc_rest_v3_customer_create_response_example.json");
	expect(woo("customer.created", p, delivery),
	       "{\"customer\":{\"created_at\":\"2017-03-21T19:09:28.000000Z\",\"email\":"
	       "\"john.doe@example.com\",\"id\":\"woocommerce:25\",\"name\":\"John Doe\","
	       "\"updated_at\":\"2017-03-21T19:09:30.000000Z\"},\"type\":\"customer\"}");
	assert_string_equal(delivery, "customer:25:2017-03-21T19:09:30.000000Z");
	json_decref(p);
	/* the docs' signed delivery bodies are action hooks: nothing for loyaltyd */
	p = load("woocommerce", "wc_docs_v3_delivery_378_body.json");
	expect(woo("action.woocommerce_add_to_cart", p, delivery), "{\"type\":\"ignored\"}");
	assert_string_equal(delivery, "");
	expect(woo("product.created", p, delivery), "{\"type\":\"ignored\"}");
	json_decref(p);
	p = json_loads("{\"id\":0,\"date_modified_gmt\":\"2017-03-21 19:09:30\"}", 0, NULL);
	char *got = woo("customer.updated", p, delivery);
	assert_non_null(strstr(got, "\"pointer\":\"/id\""));
	assert_non_null(strstr(got, "\"pointer\":\"/date_modified_gmt\""));
	free(got);
	json_decref(p);
}

static void shared_pieces(void **state)
{
	(void)state;
	int64_t u;
	char out[32], id[129];
	assert_int_equal(money_parse("-10.00", true, &u), 0);
	assert_int_equal(u, -100000);
	assert_int_equal(money_parse("0.0125", true, &u), 0);
	money_format(u, out);
	assert_string_equal(out, "0.0125");
	money_format(850000, out);
	assert_string_equal(out, "85.00");
	assert_int_equal(money_parse("1.", true, &u), -1);
	assert_int_equal(money_parse("1.23456", true, &u), -1);
	assert_int_equal(money_parse("12345678901234", true, &u), -1);
	assert_int_equal(money_parse("", true, &u), -1);
	/* a guest id stays within 128 characters */
	char email[200];
	memset(email, 'a', 120);
	strcpy(email + 120, "@example.com");
	assert_true(webhook_map_guest_id(WEBHOOK_SHOPIFY, email, id));
	assert_int_equal(strncmp(id, "shopify:email-sha256:", 21), 0);
	assert_int_equal(strlen(id), 21 + 64);
	assert_false(webhook_map_guest_id(WEBHOOK_SHOPIFY, "not-an-email", id));
	assert_false(webhook_map_guest_id(WEBHOOK_SHOPIFY, NULL, id));
	/* names are joined, trimmed and cut at 200 characters on a character boundary */
	char longname[700] = "";
	for (int i = 0; i < 300; i++)
		strcat(longname, "ž");
	json_t *c = webhook_map_customer("x", "bad", "  Ana ", longname, NULL, NULL);
	const char *name = json_string_value(json_object_get(c, "name"));
	assert_int_equal(strncmp(name, "Ana žž", strlen("Ana žž")), 0);
	assert_int_equal(strlen(name), 4 + 196 * 2);
	assert_true(json_is_null(json_object_get(c, "email")));
	json_decref(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(shopify_order_sample_maps_every_field),
	    cmocka_unit_test(shopify_refund_and_customer_samples),
	    cmocka_unit_test(shopify_float_corrupted_ids_are_refused),
	    cmocka_unit_test(shopify_guest_privacy_and_unknown_topics),
	    cmocka_unit_test(shopify_bad_fields_are_named),
	    cmocka_unit_test(woocommerce_order_sample_maps_every_field),
	    cmocka_unit_test(woocommerce_customer_and_other_topics),
	    cmocka_unit_test(shared_pieces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
