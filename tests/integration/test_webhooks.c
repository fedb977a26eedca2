/* test_webhooks.c - Shopify and WooCommerce webhooks against the real server and database,
 * fed with the real payload samples and signature vectors of tests/fixtures/webhooks:
 * sources and secret rotation; signatures checked on the raw bytes (the published vector
 * with its published header, escaped slashes and non-ASCII text, 401 for a missing header,
 * a wrong one or one flipped body byte, and nothing changed); every mapped field stored
 * exactly; points earned and taken back in proportion; out-of-order deliveries ending in
 * the state of in-order ones; ten repeats, sequential and concurrent, with one effect;
 * malformed and oversized bodies; the privacy topics; WooCommerce's ping; unknown topics
 * counted in /metrics; and no way into another tenant. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/webhook_sig.h"
#include "harness.h"

#define SHOPIFY_SECRET "00000000000000000000000000000000" /* laravel-shopify's vector */
#define WOO_SECRET "my-super-secret-private-key"          /* WooCommerce's docs */
#define MAX_BODY "65536"

static struct fixture fx; /* no tenant: each test makes its own */

struct shop {
	char tenant[37];
	char key[64];
	char shopify_source[37];
};

enum kind { SHOPIFY, WOO };

static json_t *api(const struct shop *s, const char *method, const char *path, const char *body,
                   int status)
{
	return api_json(fx.srv.port, s->key, method, path, body, status);
}

/* A tenant with a points programme (1 point per USD, floor) and both sources. */
static void shop_new(struct shop *s, const char *name)
{
	char body[256];
	create_tenant(fx.srv.port, name, s->tenant, s->key);
	json_decref(
	    api(s, "PUT", "/v1/program",
	        "{\"currency\":\"USD\",\"points_per_unit\":1,\"tiers\":[{\"name\":\"basic\","
	        "\"threshold\":0}],\"expiry_days\":3650}",
	        200));
	snprintf(body, sizeof(body),
	         "{\"kind\":\"shopify\",\"shop\":\"example.myshopify.com\",\"secret\":\"%s\","
	         "\"count_test_orders\":true}",
	         SHOPIFY_SECRET);
	json_t *src = api(s, "POST", "/v1/webhook-sources", body, 201);
	snprintf(s->shopify_source, sizeof(s->shopify_source), "%s",
	         json_string_value(json_object_get(src, "id")));
	json_decref(src);
	snprintf(
	    body, sizeof(body),
	    "{\"kind\":\"woocommerce\",\"shop\":\"https://shop.example.com\",\"secret\":\"%s\"}",
	    WOO_SECRET);
	json_decref(api(s, "POST", "/v1/webhook-sources", body, 201));
}

/* The bytes of a fixture (caller frees). */
static char *fixture(const char *dir, const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/webhooks/%s/%s", FIXTURES, dir, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = calloc(1, 1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static json_t *fixture_json(const char *dir, const char *name)
{
	char *text = fixture(dir, name);
	json_t *j = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(j);
	return j;
}

/* Sends body to the shop's webhook path of kind with topic, signed with secret (NULL: no
 * signature header) and, for Shopify, the event id (NULL: none). */
static int send_signed(const char *tenant, enum kind kind, const char *topic, const char *body,
                       const char *secret, const char *event_id, struct response *r)
{
	char path[128], sig_h[128], topic_h[128], event_h[160];
	const char *h[6] = {"Content-Type: application/json", NULL, NULL, NULL, NULL, NULL};
	int nh = 1;
	snprintf(path, sizeof(path), "/v1/webhooks/%s/%s",
	         kind == SHOPIFY ? "shopify" : "woocommerce", tenant);
	if (secret) {
		char sig[WEBHOOK_SIG_B64_LEN + 1];
		assert_int_equal(webhook_sig_sign(secret, strlen(secret), body, strlen(body), sig),
		                 0);
		snprintf(sig_h, sizeof(sig_h), "%s: %s",
		         kind == SHOPIFY ? "X-Shopify-Hmac-Sha256" : "X-WC-Webhook-Signature", sig);
		h[nh++] = sig_h;
	}
	if (topic) {
		snprintf(topic_h, sizeof(topic_h), "%s: %s",
		         kind == SHOPIFY ? "X-Shopify-Topic" : "X-WC-Webhook-Topic", topic);
		h[nh++] = topic_h;
	}
	if (event_id) {
		snprintf(event_h, sizeof(event_h), "X-Shopify-Event-Id: %s", event_id);
		h[nh++] = event_h;
	}
	return http(fx.srv.port, "POST", path, h, body, r);
}

/* Sends a signed delivery and returns its answer's "status" (processed, duplicate, …), or
 * fails unless the HTTP status is want. */
static char *deliver(const struct shop *s, enum kind kind, const char *topic, const char *body,
                     const char *event_id, int want)
{
	static char status[32];
	struct response r;
	assert_int_equal(send_signed(s->tenant, kind, topic, body,
	                             kind == SHOPIFY ? SHOPIFY_SECRET : WOO_SECRET, event_id, &r),
	                 0);
	if (r.status != want)
		fail_msg("%s: %d %s, expected %d", topic, r.status, r.body, want);
	json_t *j = response_json(&r);
	snprintf(status, sizeof(status), "%s",
	         json_string_value(json_object_get(j, "status"))
	             ? json_string_value(json_object_get(j, "status"))
	             : "");
	json_decref(j);
	response_free(&r);
	return status;
}

static char *deliver_json(const struct shop *s, enum kind kind, const char *topic,
                          const json_t *payload, const char *event_id)
{
	char *text = json_dumps(payload, JSON_COMPACT);
	char *status = deliver(s, kind, topic, text, event_id, 200);
	free(text);
	return status;
}

/* The customer's events as "id type amount occurred_at" lines. */
static char *events_of(const struct shop *s, const char *customer)
{
	char path[256];
	static char out[8192];
	snprintf(path, sizeof(path), "/v1/customers/%s/events", customer);
	json_t *j = api(s, "GET", path, NULL, 200);
	size_t i, n = 0;
	json_t *e;
	out[0] = '\0';
	json_array_foreach (json_object_get(j, "data"), i, e) {
		const char *amount = json_string_value(json_object_get(e, "amount"));
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s %s %s %s\n",
		                      json_string_value(json_object_get(e, "id")),
		                      json_string_value(json_object_get(e, "type")),
		                      amount ? amount : "-",
		                      json_string_value(json_object_get(e, "occurred_at")));
	}
	json_decref(j);
	return out;
}

static long long balance_of(const struct shop *s, const char *customer)
{
	char path[256];
	snprintf(path, sizeof(path), "/v1/customers/%s/points", customer);
	json_t *j = api(s, "GET", path, NULL, 200);
	long long b = json_int(j, "balance");
	json_decref(j);
	return b;
}

static long count_rows(const char *table, const char *tenant)
{
	char sql[160];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE tenant_id = $1", table);
	return db_long(sql, tenant);
}

/* Every row the tenant has in the tables a delivery may touch, as one number per table. */
static void snapshot(const char *tenant, long out[5])
{
	static const char *const tables[] = {"customers", "events", "points_ledger",
	                                     "webhook_deliveries", "webhook_orders"};
	for (int i = 0; i < 5; i++)
		out[i] = count_rows(tables[i], tenant);
}

static void assert_unchanged(const char *tenant, const long before[5])
{
	long after[5];
	snapshot(tenant, after);
	for (int i = 0; i < 5; i++)
		assert_int_equal(after[i], before[i]);
}

static const char *CUSTOMER = "shopify%3A115310627314723954";

/* Shopify's 2026-07 sample order (404.95 USD, customer 115310627314723954) in a state. */
static json_t *docs_order(const char *financial_status, bool with_refund)
{
	json_t *o = fixture_json("shopify", "shopify_docs_2026-07_orders_create.json");
	json_object_set_new(o, "financial_status", json_string(financial_status));
	json_object_set_new(o, "cancelled_at", json_null());
	if (with_refund)
		json_object_set_new(
		    o, "refunds",
		    json_pack("[o]", fixture_json("shopify", "shopify_docs_2026-07_refunds_"
		                                             "create.json")));
	return o;
}

static int setup(void **state)
{
	const char *env[] = {"LOYALTYD_MAX_BODY_BYTES=" MAX_BODY, NULL};
	fixture_setup(state, &fx, env, NULL);
	return 0;
}

static void sources_and_secret_rotation(void **state)
{
	(void)state;
	struct shop s;
	char path[160], body[256], want_path[96];
	struct response r;
	shop_new(&s, "Rotation");
	snprintf(want_path, sizeof(want_path), "/v1/webhooks/shopify/%s", s.tenant);

	json_t *list = api(&s, "GET", "/v1/webhook-sources", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(list, "data")), 2);
	assert_true(json_is_null(json_object_get(list, "next_cursor")));
	json_t *src = json_array_get(json_object_get(list, "data"), 0);
	assert_string_equal(json_string_value(json_object_get(src, "kind")), "shopify");
	assert_string_equal(json_string_value(json_object_get(src, "shop")),
	                    "example.myshopify.com");
	assert_string_equal(json_string_value(json_object_get(src, "path")), want_path);
	json_t *secrets = json_object_get(src, "secrets");
	assert_int_equal(json_array_size(secrets), 1);
	/* sha256("000…0" × 32) starts 84e0c0eafaa9 */
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(secrets, 0), "fingerprint")),
	    "84e0c0eafaa9");
	char old_id[37];
	snprintf(old_id, sizeof(old_id), "%s",
	         json_string_value(json_object_get(json_array_get(secrets, 0), "id")));
	char *text = json_dumps(list, 0);
	assert_null(strstr(text, SHOPIFY_SECRET)); /* never a secret */
	assert_null(strstr(text, WOO_SECRET));
	free(text);
	json_decref(list);

	/* one source per kind; bad fields named */
	json_decref(api(&s, "POST", "/v1/webhook-sources",
	                "{\"kind\":\"shopify\",\"shop\":\"other.myshopify.com\",\"secret\":"
	                "\"another-secret\"}",
	                409));
	assert_int_equal(http(fx.srv.port, "POST", "/v1/webhook-sources",
	                      (const char *[]){"Content-Type: application/json", NULL},
	                      "{\"kind\":\"shopify\"}", &r),
	                 0);
	assert_int_equal(r.status, 401);
	response_free(&r);
	json_t *bad =
	    api(&s, "POST", "/v1/webhook-sources",
	        "{\"kind\":\"magento\",\"shop\":\"Bad Shop\",\"secret\":\"short\",\"x\":1}", 422);
	text = json_dumps(json_object_get(bad, "errors"), JSON_COMPACT);
	assert_non_null(strstr(text, "\"/kind\""));
	assert_non_null(strstr(text, "\"/secret\""));
	assert_non_null(strstr(text, "\"/x\""));
	free(text);
	json_decref(bad);
	bad = api(&s, "POST", "/v1/webhook-sources",
	          "{\"kind\":\"shopify\",\"shop\":\"Bad Shop\",\"secret\":\"long-enough\"}", 422);
	text = json_dumps(json_object_get(bad, "errors"), JSON_COMPACT);
	assert_non_null(strstr(text, "\"/shop\""));
	free(text);
	json_decref(bad);

	/* rotation: a second secret, both accepted; a third refused */
	snprintf(path, sizeof(path), "/v1/webhook-sources/%s/secrets", s.shopify_source);
	json_t *added = api(&s, "POST", path, "{\"secret\":\"the-new-secret-2026\"}", 201);
	char new_id[37];
	snprintf(new_id, sizeof(new_id), "%s", json_string_value(json_object_get(added, "id")));
	json_decref(added);
	json_decref(api(&s, "POST", path, "{\"secret\":\"a-third-secret\"}", 409));
	const char *customer = "{\"id\":1001,\"email\":\"rot@example.com\",\"first_name\":\"R\"}";
	assert_int_equal(send_signed(s.tenant, SHOPIFY, "customers/create", customer,
	                             SHOPIFY_SECRET, "rot-1", &r),
	                 0);
	assert_int_equal(r.status, 200);
	response_free(&r);
	assert_int_equal(send_signed(s.tenant, SHOPIFY, "customers/create", customer,
	                             "the-new-secret-2026", "rot-2", &r),
	                 0);
	assert_int_equal(r.status, 200);
	response_free(&r);

	/* the old secret retired: refused from now on; the last one cannot go */
	snprintf(path, sizeof(path), "/v1/webhook-sources/%s/secrets/%s", s.shopify_source, old_id);
	json_decref(api(&s, "DELETE", path, NULL, 204));
	json_decref(api(&s, "DELETE", path, NULL, 404));
	assert_int_equal(send_signed(s.tenant, SHOPIFY, "customers/create", customer,
	                             SHOPIFY_SECRET, "rot-3", &r),
	                 0);
	assert_int_equal(r.status, 401);
	response_free(&r);
	snprintf(path, sizeof(path), "/v1/webhook-sources/%s/secrets/%s", s.shopify_source, new_id);
	json_decref(api(&s, "DELETE", path, NULL, 409));

	/* get, delete: the source is gone and its deliveries refused */
	snprintf(path, sizeof(path), "/v1/webhook-sources/%s", s.shopify_source);
	json_t *one = api(&s, "GET", path, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(one, "secrets")), 1);
	json_decref(one);
	char read_key[64], read_id[37];
	create_key(fx.srv.port, s.key, "[\"read\",\"ingest\",\"points\"]", read_key, read_id);
	json_decref(api_json(fx.srv.port, read_key, "GET", path, NULL, 403));
	json_decref(api(&s, "DELETE", path, NULL, 204));
	json_decref(api(&s, "GET", path, NULL, 404));
	json_decref(api(&s, "DELETE", path, NULL, 404));
	json_decref(api(&s, "GET", "/v1/webhook-sources/not-a-uuid", NULL, 404));
	assert_int_equal(send_signed(s.tenant, SHOPIFY, "customers/create", customer,
	                             "the-new-secret-2026", "rot-4", &r),
	                 0);
	assert_int_equal(r.status, 401);
	response_free(&r);

	/* WooCommerce signs with its secret HTML-decoded, as WordPress stores it */
	snprintf(body, sizeof(body),
	         "{\"kind\":\"shopify\",\"shop\":\"example.myshopify.com\",\"secret\":\"%s\","
	         "\"count_test_orders\":true}",
	         SHOPIFY_SECRET);
	json_decref(api(&s, "POST", "/v1/webhook-sources", body, 201));
	list = api(&s, "GET", "/v1/webhook-sources", NULL, 200);
	const char *woo_id = json_string_value(
	    json_object_get(json_array_get(json_object_get(list, "data"), 0), "id"));
	snprintf(path, sizeof(path), "/v1/webhook-sources/%s/secrets", woo_id);
	json_decref(api(&s, "POST", path, "{\"secret\":\"it&#039;s &amp; ours\"}", 201));
	json_decref(list);
	assert_int_equal(send_signed(s.tenant, WOO, "customer.created",
	                             "{\"id\":7,\"email\":\"w@example.com\",\"date_modified_gmt\":"
	                             "\"2024-01-01T00:00:00\"}",
	                             "it's & ours", NULL, &r),
	                 0);
	assert_int_equal(r.status, 200);
	response_free(&r);
}

static void published_sample_verifies_and_maps_exactly(void **state)
{
	(void)state;
	struct shop s;
	struct response r;
	shop_new(&s, "Published");
	/* laravel-shopify's exact bytes with the header its tests publish */
	char *body = fixture("shopify", "laravel-shopify_fixture_webhook_orders_create.json");
	char path[128];
	snprintf(path, sizeof(path), "/v1/webhooks/shopify/%s", s.tenant);
	const char *h[] = {"Content-Type: application/json",
	                   "X-Shopify-Topic: orders/create",
	                   "X-Shopify-Hmac-Sha256: hvTE9wpDzMcDnPEuHWvYZ58ElKn5vHs0LomurfNIuUc=",
	                   "X-Shopify-Shop-Domain: example.myshopify.com",
	                   "X-Shopify-Event-Id: 98880550-7158-44d4-b7cd-2c97c8a091b5",
	                   NULL};
	assert_int_equal(strlen(body), 5845);
	assert_int_equal(http(fx.srv.port, "POST", path, h, body, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"status\":\"processed\",\"events_stored\":0}");
	response_free(&r);
	/* the customer, exactly; the order is voided and cancelled: no event, no points */
	json_t *c = api(&s, "GET", "/v1/customers/shopify%3A115310627314723954", NULL, 200);
	assert_string_equal(json_string_value(json_object_get(c, "email")), "john@test.com");
	assert_string_equal(json_string_value(json_object_get(c, "name")), "John Smith");
	json_decref(c);
	assert_string_equal(events_of(&s, CUSTOMER), "");
	assert_int_equal(db_long("SELECT count(*) FROM webhook_orders WHERE tenant_id = $1 AND "
	                         "order_id = '820982911946154508' AND amount IS NULL AND "
	                         "cancelled_at = '2017-07-17T17:44:09Z'",
	                         s.tenant),
	                 1);
	/* the same delivery again: 200, nothing changes */
	long before[5];
	snapshot(s.tenant, before);
	assert_int_equal(http(fx.srv.port, "POST", path, h, body, &r), 0);
	assert_string_equal(r.body, "{\"status\":\"duplicate\",\"events_stored\":0}");
	response_free(&r);
	assert_unchanged(s.tenant, before);
	free(body);

	/* a paid order from the 2026-07 docs: every field of the stored event */
	json_t *o = docs_order("paid", false);
	json_object_set_new(o, "id", json_integer(5000000000000000001));
	json_object_set_new(o, "admin_graphql_api_id",
	                    json_string("gid://shopify/Order/5000000000000000001"));
	assert_string_equal(deliver_json(&s, SHOPIFY, "orders/paid", o, "paid-1"), "processed");
	json_decref(o);
	assert_string_equal(events_of(&s, CUSTOMER),
	                    "shopify:order:5000000000000000001 order 404.95 "
	                    "2022-01-01T00:00:00.000000Z\n");
	json_t *ev = api(&s, "GET", "/v1/customers/shopify%3A115310627314723954/events", NULL, 200);
	json_t *e0 = json_array_get(json_object_get(ev, "data"), 0);
	assert_string_equal(json_string_value(json_object_get(e0, "order_id")),
	                    "5000000000000000001");
	assert_string_equal(json_string_value(json_object_get(e0, "currency")), "USD");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(e0, "properties"), "source")),
	    "shopify");
	json_decref(ev);
	assert_int_equal(balance_of(&s, CUSTOMER), 404); /* floor(404.95 × 1) */
}

static void escaped_slashes_and_non_ascii_verify_on_raw_bytes(void **state)
{
	(void)state;
	struct shop s;
	shop_new(&s, "Raw bytes");
	/* what a re-serialisation would change: \/ escapes, \u escapes, raw UTF-8, spacing */
	const char *body = "{ \"id\" : 77, \"email\" : \"zeljko@example.hr\", \"first_name\": "
	                   "\"\\u017deljko\", \"last_name\": \"Horvat-Kova\xc4\x8d\", "
	                   "\"note\": \"a\\/b \xe6\x97\xa5\xe6\x9c\xac \\ud83d\\ude00\", "
	                   "\"updated_at\": \"2024-05-01T10:00:00+02:00\" }";
	assert_string_equal(deliver(&s, SHOPIFY, "customers/create", body, "raw-1", 200),
	                    "processed");
	json_t *c = api(&s, "GET", "/v1/customers/shopify%3A77", NULL, 200);
	assert_string_equal(json_string_value(json_object_get(c, "name")),
	                    "\xc5\xbd"
	                    "eljko Horvat-Kova\xc4\x8d");
	assert_string_equal(json_string_value(json_object_get(c, "email")), "zeljko@example.hr");
	json_decref(c);
}

static void bad_signatures_are_401_and_change_nothing(void **state)
{
	(void)state;
	struct shop s;
	struct response r;
	long before[5];
	shop_new(&s, "Signatures");
	json_t *order = docs_order("paid", false);
	char *body = json_dumps(order, JSON_COMPACT);
	json_decref(order);
	char *flipped = strdup(body);
	flipped[strlen(flipped) / 2] ^= 0x01;
	snapshot(s.tenant, before);

	/* no signature header */
	assert_int_equal(send_signed(s.tenant, SHOPIFY, "orders/paid", body, NULL, "s1", &r), 0);
	assert_int_equal(r.status, 401);
	assert_true(response_json_equal(
	    &r,
	    "{\"type\":\"urn:loyaltyd:problem:bad-signature\",\"title\":\"Unauthorized\","
	    "\"status\":401,\"detail\":\"the delivery carries no signature header\"}",
	    NULL));
	assert_non_null(strstr(response_header(&r, "Content-Type"), "application/problem+json"));
	response_free(&r);
	/* another secret */
	assert_int_equal(send_signed(s.tenant, SHOPIFY, "orders/paid", body,
	                             "00000000000000000000000000000001", "s2", &r),
	                 0);
	assert_int_equal(r.status, 401);
	response_free(&r);
	/* one flipped body byte under the right signature */
	char sig[WEBHOOK_SIG_B64_LEN + 1], sig_h[96], path[128];
	assert_int_equal(webhook_sig_sign(SHOPIFY_SECRET, 32, body, strlen(body), sig), 0);
	snprintf(sig_h, sizeof(sig_h), "X-Shopify-Hmac-Sha256: %s", sig);
	snprintf(path, sizeof(path), "/v1/webhooks/shopify/%s", s.tenant);
	const char *h[] = {"Content-Type: application/json", "X-Shopify-Topic: orders/paid", sig_h,
	                   NULL};
	assert_int_equal(http(fx.srv.port, "POST", path, h, flipped, &r), 0);
	assert_int_equal(r.status, 401);
	response_free(&r);
	/* the WooCommerce header on the Shopify path, and vice versa */
	assert_int_equal(
	    send_signed(s.tenant, WOO, "order.created", body, SHOPIFY_SECRET, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	response_free(&r);
	/* signed right, but from another shop than the source's */
	const char *other[] = {"Content-Type: application/json", "X-Shopify-Topic: orders/paid",
	                       sig_h, "X-Shopify-Shop-Domain: evil.myshopify.com", NULL};
	assert_int_equal(http(fx.srv.port, "POST", path, other, body, &r), 0);
	assert_int_equal(r.status, 401);
	response_free(&r);
	/* a tenant without sources, and a path that is no tenant at all */
	assert_int_equal(send_signed("00000000-0000-0000-0000-000000000000", SHOPIFY, "orders/paid",
	                             body, SHOPIFY_SECRET, "s3", &r),
	                 0);
	assert_int_equal(r.status, 401);
	response_free(&r);
	assert_int_equal(
	    send_signed("not-a-tenant", SHOPIFY, "orders/paid", body, SHOPIFY_SECRET, "s4", &r), 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
	assert_unchanged(s.tenant, before);
	/* and the right one goes through */
	assert_int_equal(http(fx.srv.port, "POST", path, h, body, &r), 0);
	assert_int_equal(r.status, 200);
	response_free(&r);
	free(body);
	free(flipped);
}

static void partial_refund_takes_back_proportional_points(void **state)
{
	(void)state;
	struct shop s;
	shop_new(&s, "Refunds");
	json_t *o = docs_order("paid", false);
	assert_string_equal(deliver_json(&s, SHOPIFY, "orders/paid", o, "p-1"), "processed");
	assert_int_equal(balance_of(&s, CUSTOMER), 404);
	/* refund 890088186047892319: transactions of 75.00 and 10.00 → 85.00 of 404.95:
	 * floor(404 × 85 / 404.95) = floor(84.80) = 84 points back */
	char *refund = fixture("shopify", "shopify_docs_2026-07_refunds_create.json");
	assert_string_equal(deliver(&s, SHOPIFY, "refunds/create", refund, "r-1", 200),
	                    "processed");
	assert_int_equal(balance_of(&s, CUSTOMER), 320);
	assert_string_equal(
	    events_of(&s, CUSTOMER),
	    "shopify:order:820982911946154508 order 404.95 2022-01-01T00:00:00.000000Z\n"
	    "shopify:refund:890088186047892319 refund 85.00 "
	    "2022-01-01T00:00:00.000000Z\n");
	assert_int_equal(db_long("SELECT -sum(points) FROM points_ledger WHERE tenant_id = $1 AND "
	                         "kind = 'refund'",
	                         s.tenant),
	                 84);
	/* the same refund listed again in orders/updated, under a new event id: no effect */
	json_object_set_new(o, "financial_status", json_string("partially_refunded"));
	json_object_set_new(
	    o, "refunds",
	    json_pack("[o]", fixture_json("shopify", "shopify_docs_2026-07_refunds_create.json")));
	assert_string_equal(deliver_json(&s, SHOPIFY, "orders/updated", o, "u-1"), "processed");
	assert_int_equal(balance_of(&s, CUSTOMER), 320);
	/* cancelled: what no refund returned (319.95) is refunded, every point taken back */
	json_object_set_new(o, "cancelled_at", json_string("2022-01-03T09:00:00-05:00"));
	json_object_set_new(o, "cancel_reason", json_string("customer"));
	assert_string_equal(deliver_json(&s, SHOPIFY, "orders/cancelled", o, "c-1"), "processed");
	assert_int_equal(balance_of(&s, CUSTOMER), 0);
	assert_non_null(strstr(events_of(&s, CUSTOMER),
	                       "shopify:cancel:820982911946154508 refund 319.95 "
	                       "2022-01-03T14:00:00.000000Z\n"));
	/* revenue: 404.95 ordered, 404.95 refunded */
	assert_int_equal(db_long("SELECT (refunded * 100)::bigint FROM customer_rollups WHERE "
	                         "tenant_id = $1",
	                         s.tenant),
	                 40495);
	free(refund);
	json_decref(o);
}

/* Delivers the life of the docs order to s in the order given by steps (a permutation of
 * 0..3): 0 orders/create pending, 1 orders/paid, 2 refunds/create, 3 orders/updated
 * partially refunded listing the refund. */
static void order_life(const struct shop *s, const int steps[4])
{
	for (int i = 0; i < 4; i++) {
		char id[32];
		snprintf(id, sizeof(id), "life-%d", steps[i]);
		if (steps[i] == 2) {
			char *refund =
			    fixture("shopify", "shopify_docs_2026-07_refunds_create.json");
			assert_string_equal(deliver(s, SHOPIFY, "refunds/create", refund, id, 200),
			                    "processed");
			free(refund);
			continue;
		}
		static const char *const topic[] = {"orders/create", "orders/paid", "",
		                                    "orders/updated"};
		static const char *const fin[] = {"pending", "paid", "", "partially_refunded"};
		json_t *o = docs_order(fin[steps[i]], steps[i] == 3);
		assert_string_equal(deliver_json(s, SHOPIFY, topic[steps[i]], o, id), "processed");
		json_decref(o);
	}
}

static void out_of_order_deliveries_end_in_the_same_state(void **state)
{
	(void)state;
	static const int orders[][4] = {{0, 1, 2, 3}, {3, 2, 1, 0}, {2, 0, 3, 1}, {2, 1, 0, 3}};
	char first_events[8192] = "";
	long long first_balance = -1;
	for (size_t k = 0; k < sizeof(orders) / sizeof(orders[0]); k++) {
		struct shop s;
		char name[32];
		snprintf(name, sizeof(name), "Order %zu", k);
		shop_new(&s, name);
		order_life(&s, orders[k]);
		const char *events = events_of(&s, CUSTOMER);
		long long balance = balance_of(&s, CUSTOMER);
		if (k == 0) {
			/* in order: 404 earned, 84 taken back by the refund */
			snprintf(first_events, sizeof(first_events), "%s", events);
			first_balance = balance;
			assert_int_equal(balance, 320);
			assert_string_equal(events,
			                    "shopify:order:820982911946154508 order 404.95 "
			                    "2022-01-01T00:00:00.000000Z\n"
			                    "shopify:refund:890088186047892319 refund 85.00 "
			                    "2022-01-01T00:00:00.000000Z\n");
		} else {
			assert_string_equal(events, first_events);
			assert_int_equal(balance, first_balance);
		}
		assert_int_equal(
		    db_long("SELECT sum(points) FROM points_ledger WHERE tenant_id = $1", s.tenant),
		    320);
	}
}

struct replay {
	const struct shop *shop;
	enum kind kind;
	const char *topic, *body, *event_id;
	int status;
	char outcome[32];
};

static void *replay_one(void *arg)
{
	struct replay *p = arg;
	struct response r;
	if (send_signed(p->shop->tenant, p->kind, p->topic, p->body,
	                p->kind == SHOPIFY ? SHOPIFY_SECRET : WOO_SECRET, p->event_id, &r) != 0)
		return NULL;
	p->status = r.status;
	json_t *j = response_json(&r);
	snprintf(p->outcome, sizeof(p->outcome), "%s",
	         j ? json_string_value(json_object_get(j, "status")) : "");
	json_decref(j);
	response_free(&r);
	return NULL;
}

/* Sends the delivery from 10 threads at once; returns how many answered processed. */
static int replay_concurrently(const struct shop *s, enum kind kind, const char *topic,
                               const char *body, const char *event_id)
{
	struct replay p[10];
	pthread_t t[10];
	int processed = 0;
	for (int i = 0; i < 10; i++) {
		p[i] = (struct replay){s, kind, topic, body, event_id, 0, ""};
		pthread_create(&t[i], NULL, replay_one, &p[i]);
	}
	for (int i = 0; i < 10; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(p[i].status, 200);
		processed += strcmp(p[i].outcome, "processed") == 0;
		if (strcmp(p[i].outcome, "processed") != 0)
			assert_string_equal(p[i].outcome,
			                    event_id || kind == WOO ? "duplicate" : "processed");
	}
	return processed;
}

static void replays_sequential_and_concurrent_have_one_effect(void **state)
{
	(void)state;
	struct shop s;
	shop_new(&s, "Replays");
	json_t *o = docs_order("paid", false);
	char *body = json_dumps(o, JSON_COMPACT);
	for (int i = 0; i < 10; i++)
		assert_string_equal(deliver(&s, SHOPIFY, "orders/paid", body, "same-event", 200),
		                    i == 0 ? "processed" : "duplicate");
	free(body);
	/* ten at once, of a refund: one processed, nine duplicates, one refund */
	char *refund = fixture("shopify", "shopify_docs_2026-07_refunds_create.json");
	assert_int_equal(replay_concurrently(&s, SHOPIFY, "refunds/create", refund, "refund-event"),
	                 1);
	/* ten at once without any event id: each applied, the effect still once */
	json_object_set_new(o, "financial_status", json_string("partially_refunded"));
	json_object_set_new(
	    o, "refunds",
	    json_pack("[o]", fixture_json("shopify", "shopify_docs_2026-07_refunds_create.json")));
	body = json_dumps(o, JSON_COMPACT);
	assert_int_equal(replay_concurrently(&s, SHOPIFY, "orders/updated", body, NULL), 10);
	free(body);
	assert_int_equal(count_rows("events", s.tenant), 2);
	assert_int_equal(balance_of(&s, CUSTOMER), 320);
	assert_int_equal(
	    db_long("SELECT count(*) FROM points_ledger WHERE tenant_id = $1", s.tenant), 2);
	/* WooCommerce: a new delivery id each time, the same resource version */
	char *woo = fixture("woocommerce", "wc_rest_v3_order_create_response_example.json");
	assert_int_equal(replay_concurrently(&s, WOO, "order.created", woo, NULL), 1);
	assert_int_equal(count_rows("events", s.tenant), 3);
	free(woo);
	/* delivery keys are kept 7 days: one 6 days old still answers duplicate, one 8 days
	 * old was pruned by the next delivery and is new again */
	assert_int_equal(db_long("WITH k AS (INSERT INTO webhook_deliveries (tenant_id, kind, "
	                         "delivery, received_at) VALUES ($1, 'shopify', 'event:six-days', "
	                         "now() - interval '6 days'), ($1, 'shopify', 'event:eight-days', "
	                         "now() - interval '8 days') RETURNING 1) SELECT count(*) FROM k",
	                         s.tenant),
	                 2);
	assert_string_equal(deliver(&s, SHOPIFY, "customers/update", "{\"id\":3}", "fresh", 200),
	                    "processed");
	assert_string_equal(deliver(&s, SHOPIFY, "customers/update", "{\"id\":3}", "six-days", 200),
	                    "duplicate");
	assert_string_equal(
	    deliver(&s, SHOPIFY, "customers/update", "{\"id\":3}", "eight-days", 200), "processed");
	free(refund);
	json_decref(o);
}

static void malformed_oversized_and_invalid_payloads(void **state)
{
	(void)state;
	struct shop s;
	struct response r;
	long before[5];
	shop_new(&s, "Bad payloads");
	snapshot(s.tenant, before);
	/* signed, but not JSON */
	assert_int_equal(send_signed(s.tenant, SHOPIFY, "orders/create", "{\"id\": 1,",
	                             SHOPIFY_SECRET, "m-1", &r),
	                 0);
	assert_int_equal(r.status, 400);
	assert_true(
	    response_json_equal(&r,
	                        "{\"type\":\"urn:loyaltyd:problem:malformed-json\",\"title\":\"Bad "
	                        "Request\",\"status\":400,\"detail\":\"malformed JSON at line 1, "
	                        "column 9: string or '}' expected near end of file\"}",
	                        NULL));
	response_free(&r);
	/* duplicate keys have no single meaning */
	assert_int_equal(send_signed(s.tenant, SHOPIFY, "customers/create",
	                             "{\"id\": 1, \"id\": 2}", SHOPIFY_SECRET, "m-2", &r),
	                 0);
	assert_int_equal(r.status, 400);
	response_free(&r);
	/* over LOYALTYD_MAX_BODY_BYTES: 413 before it is read */
	size_t big = 65537;
	char *huge = malloc(big + 1);
	memset(huge, ' ', big);
	huge[0] = '{';
	huge[big - 1] = '}';
	huge[big] = '\0';
	assert_int_equal(
	    send_signed(s.tenant, SHOPIFY, "orders/create", huge, SHOPIFY_SECRET, "m-3", &r), 0);
	assert_int_equal(r.status, 413);
	response_free(&r);
	free(huge);
	/* the sample that went through a float: its id disagrees with admin_graphql_api_id */
	char *corrupted = fixture("shopify", "shopify-webhooks-go_v2025_01_orders_create.json");
	assert_int_equal(
	    send_signed(s.tenant, SHOPIFY, "orders/create", corrupted, SHOPIFY_SECRET, "m-4", &r),
	    0);
	assert_int_equal(r.status, 422);
	assert_true(response_json_equal(
	    &r,
	    "{\"type\":\"urn:loyaltyd:problem:validation\",\"title\":\"Unprocessable "
	    "Content\",\"status\":422,\"detail\":\"2 fields are "
	    "invalid\",\"errors\":[{\"pointer\":\"/id\",\"message\":\"disagrees with "
	    "admin_graphql_api_id: the id has lost digits on its way (read through a "
	    "double?)\"},{\"pointer\":\"/customer/id\",\"message\":\"disagrees with "
	    "admin_graphql_api_id: the id has lost digits on its way (read through a double?)\"}]}",
	    NULL));
	response_free(&r);
	free(corrupted);
	/* wrong types, named by pointer into the payload */
	assert_int_equal(
	    send_signed(s.tenant, SHOPIFY, "refunds/create",
	                "{\"id\":1.5,\"order_id\":\"x\",\"created_at\":\"2024-01-01T00:00:"
	                "00Z\"}",
	                SHOPIFY_SECRET, "m-5", &r),
	    0);
	assert_int_equal(r.status, 422);
	assert_true(response_json_equal(
	    &r,
	    "{\"type\":\"urn:loyaltyd:problem:validation\",\"title\":\"Unprocessable "
	    "Content\",\"status\":422,\"detail\":\"2 fields are "
	    "invalid\",\"errors\":[{\"pointer\":\"/order_id\",\"message\":\"must be a positive "
	    "integer id\"},{\"pointer\":\"/id\",\"message\":\"must be an integer: a number with a "
	    "fraction or exponent has lost the digits of a 64-bit id\"}]}",
	    NULL));
	response_free(&r);
	/* a body that is not JSON at all, as text/plain */
	char path[128];
	snprintf(path, sizeof(path), "/v1/webhooks/shopify/%s", s.tenant);
	char sig[WEBHOOK_SIG_B64_LEN + 1], sig_h[96];
	assert_int_equal(webhook_sig_sign(SHOPIFY_SECRET, 32, "hello", 5, sig), 0);
	snprintf(sig_h, sizeof(sig_h), "X-Shopify-Hmac-Sha256: %s", sig);
	const char *h[] = {"Content-Type: text/plain", "X-Shopify-Topic: orders/create", sig_h,
	                   NULL};
	assert_int_equal(http(fx.srv.port, "POST", path, h, "hello", &r), 0);
	assert_int_equal(r.status, 415);
	response_free(&r);
	assert_unchanged(s.tenant, before);
}

static void woocommerce_ping_orders_refunds_and_customers(void **state)
{
	(void)state;
	struct shop s;
	struct response r;
	long before[5];
	char path[128];
	shop_new(&s, "Woo");
	snapshot(s.tenant, before);
	/* the ping sent when a webhook is saved: unsigned, form-encoded; 200, nothing stored */
	snprintf(path, sizeof(path), "/v1/webhooks/woocommerce/%s", s.tenant);
	const char *ping[] = {"Content-Type: application/x-www-form-urlencoded",
	                      "X-WC-Webhook-Source: https://shop.example.com/", NULL};
	assert_int_equal(http(fx.srv.port, "POST", path, ping, "webhook_id=535", &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"status\":\"ping\",\"events_stored\":0}");
	response_free(&r);
	assert_int_equal(http(fx.srv.port, "POST", path, ping, "webhook_id=535&x=1", &r), 0);
	assert_int_equal(r.status, 401);
	response_free(&r);
	assert_unchanged(s.tenant, before);
	/* the docs' signed deliveries are action hooks: ignored */
	char *action = fixture("woocommerce", "wc_docs_v3_delivery_378_body.json");
	assert_string_equal(deliver(&s, WOO, "action.woocommerce_add_to_cart", action, NULL, 200),
	                    "ignored");
	free(action);

	/* order 727 of the REST docs: a guest paying 29.35 USD → 29 points */
	json_t *o = fixture_json("woocommerce", "wc_rest_v3_order_create_response_example.json");
	const char *guest = "woocommerce%3Aemail%3Ajohn.doe%40example.com";
	assert_string_equal(deliver_json(&s, WOO, "order.created", o, NULL), "processed");
	assert_string_equal(deliver_json(&s, WOO, "order.updated", o, NULL), "duplicate");
	assert_string_equal(events_of(&s, guest),
	                    "woocommerce:order:727 order 29.35 2017-03-22T19:28:02.000000Z\n");
	json_t *c =
	    api(&s, "GET", "/v1/customers/woocommerce%3Aemail%3Ajohn.doe%40example.com", NULL, 200);
	assert_string_equal(json_string_value(json_object_get(c, "name")), "John Doe");
	assert_string_equal(json_string_value(json_object_get(c, "email")), "john.doe@example.com");
	json_decref(c);
	/* a refund of 10.00 (floor(29 × 10 / 29.35) = 9 back), then refunded in full */
	json_object_set_new(o, "date_modified_gmt", json_string("2017-03-23T08:00:00"));
	json_object_set_new(
	    o, "refunds",
	    json_pack("[{s:i, s:s, s:s}]", "id", 726, "reason", "", "total", "-10.00"));
	assert_string_equal(deliver_json(&s, WOO, "order.updated", o, NULL), "processed");
	assert_int_equal(balance_of(&s, guest), 20);
	json_object_set_new(o, "status", json_string("refunded"));
	json_object_set_new(o, "date_modified_gmt", json_string("2017-03-24T08:00:00"));
	assert_string_equal(deliver_json(&s, WOO, "order.updated", o, NULL), "processed");
	assert_int_equal(balance_of(&s, guest), 0);
	assert_string_equal(events_of(&s, guest),
	                    "woocommerce:order:727 order 29.35 2017-03-22T19:28:02.000000Z\n"
	                    "woocommerce:refund:726 refund 10.00 2017-03-23T08:00:00.000000Z\n"
	                    "woocommerce:cancel:727 refund 19.35 2017-03-24T08:00:00.000000Z\n");
	json_decref(o);
	/* a pending order that is cancelled unpaid: no event at all */
	o = fixture_json("woocommerce", "wc_rest_v3_order_create_response_example.json");
	json_object_set_new(o, "id", json_integer(728));
	json_object_set_new(o, "status", json_string("cancelled"));
	json_object_set_new(o, "date_paid_gmt", json_null());
	assert_string_equal(deliver_json(&s, WOO, "order.updated", o, NULL), "processed");
	assert_int_equal(db_long("SELECT count(*) FROM events WHERE tenant_id = $1 AND order_id = "
	                         "'728'",
	                         s.tenant),
	                 0);
	json_decref(o);

	/* customer 25; an older update arriving late changes nothing */
	c = fixture_json("woocommerce", "wc_rest_v3_customer_create_response_example.json");
	assert_string_equal(deliver_json(&s, WOO, "customer.created", c, NULL), "processed");
	json_object_set_new(c, "first_name", json_string("Johnny"));
	json_object_set_new(c, "date_modified_gmt", json_string("2017-03-25T00:00:00"));
	assert_string_equal(deliver_json(&s, WOO, "customer.updated", c, NULL), "processed");
	json_object_set_new(c, "first_name", json_string("Stale"));
	json_object_set_new(c, "date_modified_gmt", json_string("2017-03-24T00:00:00"));
	assert_string_equal(deliver_json(&s, WOO, "customer.updated", c, NULL), "processed");
	json_decref(c);
	c = api(&s, "GET", "/v1/customers/woocommerce%3A25", NULL, 200);
	assert_string_equal(json_string_value(json_object_get(c, "name")), "Johnny Doe");
	assert_string_equal(json_string_value(json_object_get(c, "signup_at")),
	                    "2017-03-21T19:09:28.000000Z");
	json_decref(c);
}

static void privacy_topics_erase_and_record(void **state)
{
	(void)state;
	struct shop s;
	shop_new(&s, "Privacy");
	json_t *o = docs_order("paid", false);
	assert_string_equal(deliver_json(&s, SHOPIFY, "orders/paid", o, "pv-1"), "processed");
	json_decref(o);
	json_decref(api(&s, "PUT", "/v1/customers/own-1", "{\"email\":\"own@example.com\"}", 201));
	char *woo = fixture("woocommerce", "wc_rest_v3_customer_create_response_example.json");
	assert_string_equal(deliver(&s, WOO, "customer.created", woo, NULL, 200), "processed");
	free(woo);

	const char *request = "{\"shop_id\":954889,\"shop_domain\":\"example.myshopify.com\","
	                      "\"orders_requested\":[820982911946154508],\"customer\":{\"id\":"
	                      "115310627314723954,\"email\":\"john@example.com\",\"phone\":null},"
	                      "\"data_request\":{\"id\":9999}}";
	assert_string_equal(deliver(&s, SHOPIFY, "customers/data_request", request, "pv-2", 200),
	                    "processed");
	assert_int_equal(db_long("SELECT count(*) FROM events WHERE tenant_id = $1 AND type = "
	                         "'data_request' AND properties->>'request_id' = '9999'",
	                         s.tenant),
	                 1);
	/* erasure: the customer with their events and points; the order's state too */
	const char *redact =
	    "{\"shop_id\":954889,\"shop_domain\":\"example.myshopify.com\","
	    "\"customer\":{\"id\":115310627314723954,\"email\":\"john@example.com\"},"
	    "\"orders_to_redact\":[820982911946154508]}";
	assert_string_equal(deliver(&s, SHOPIFY, "customers/redact", redact, "pv-3", 200),
	                    "processed");
	json_decref(api(&s, "GET", "/v1/customers/shopify%3A115310627314723954", NULL, 404));
	assert_int_equal(count_rows("events", s.tenant), 0);
	assert_int_equal(count_rows("points_ledger", s.tenant), 0);
	assert_int_equal(count_rows("webhook_orders", s.tenant), 0);
	/* shop/redact: every customer that came from Shopify; the others stay */
	assert_string_equal(deliver(&s, SHOPIFY, "customers/create",
	                            "{\"id\":42,\"email\":\"x@example.com\"}", "pv-4", 200),
	                    "processed");
	assert_string_equal(
	    deliver(&s, SHOPIFY, "shop/redact",
	            "{\"shop_id\":954889,\"shop_domain\":\"example.myshopify.com\"}", "pv-5", 200),
	    "processed");
	assert_int_equal(db_long("SELECT count(*) FROM customers WHERE tenant_id = $1 AND "
	                         "external_id LIKE 'shopify:%'",
	                         s.tenant),
	                 0);
	json_decref(api(&s, "GET", "/v1/customers/own-1", NULL, 200));
	json_decref(api(&s, "GET", "/v1/customers/woocommerce%3A25", NULL, 200));
}

/* The value of loyaltyd_webhook_deliveries_total for source and result. */
static long webhook_metric(const char *source, const char *result)
{
	struct response r;
	char needle[160];
	assert_int_equal(http(fx.srv.port, "GET", "/metrics", NULL, NULL, &r), 0);
	snprintf(needle, sizeof(needle),
	         "loyaltyd_webhook_deliveries_total{source=\"%s\",result=\"%s\"} ", source, result);
	const char *at = strstr(r.body, needle);
	long v = at ? strtol(at + strlen(needle), NULL, 10) : -1;
	response_free(&r);
	return v;
}

static void unknown_topics_are_200_and_counted(void **state)
{
	(void)state;
	struct shop s;
	long before[5];
	shop_new(&s, "Unknown topics");
	snapshot(s.tenant, before);
	long ignored = webhook_metric("shopify", "ignored");
	long unauthorized = webhook_metric("shopify", "unauthorized");
	assert_string_equal(deliver(&s, SHOPIFY, "products/create", "{\"id\":1}", "t-1", 200),
	                    "ignored");
	assert_string_equal(deliver(&s, SHOPIFY, "app/uninstalled", "{\"id\":1}", "t-2", 200),
	                    "ignored");
	assert_string_equal(deliver(&s, SHOPIFY, NULL, "{\"id\":1}", "t-3", 200), "ignored");
	assert_int_equal(webhook_metric("shopify", "ignored"), ignored + 3);
	struct response r;
	assert_int_equal(send_signed(s.tenant, SHOPIFY, "products/create", "{}", NULL, NULL, &r),
	                 0);
	response_free(&r);
	assert_int_equal(webhook_metric("shopify", "unauthorized"), unauthorized + 1);
	assert_unchanged(s.tenant, before);
}

static void another_tenant_is_out_of_reach(void **state)
{
	(void)state;
	struct shop a, b;
	char path[160];
	struct response r;
	shop_new(&a, "Tenant A");
	shop_new(&b, "Tenant B");
	/* B rotates to a secret of its own and drops the shared one */
	snprintf(path, sizeof(path), "/v1/webhook-sources/%s/secrets", b.shopify_source);
	json_decref(api(&b, "POST", path, "{\"secret\":\"only-b-knows-this\"}", 201));
	json_t *src = api(&b, "GET", "/v1/webhook-sources", NULL, 200);
	const char *old = json_string_value(json_object_get(
	    json_array_get(
	        json_object_get(json_array_get(json_object_get(src, "data"), 0), "secrets"), 0),
	    "id"));
	snprintf(path, sizeof(path), "/v1/webhook-sources/%s/secrets/%s", b.shopify_source, old);
	json_decref(src);
	json_decref(api(&b, "DELETE", path, NULL, 204));
	long before[5];
	snapshot(a.tenant, before);
	/* B's secret does not open A's path */
	assert_int_equal(send_signed(a.tenant, SHOPIFY, "customers/create", "{\"id\":5}",
	                             "only-b-knows-this", "x-1", &r),
	                 0);
	assert_int_equal(r.status, 401);
	response_free(&r);
	assert_unchanged(a.tenant, before);
	/* A's admin key cannot see, change or delete B's source */
	snprintf(path, sizeof(path), "/v1/webhook-sources/%s", b.shopify_source);
	json_decref(api(&a, "GET", path, NULL, 404));
	json_decref(api(&a, "DELETE", path, NULL, 404));
	snprintf(path, sizeof(path), "/v1/webhook-sources/%s/secrets", b.shopify_source);
	json_decref(api(&a, "POST", path, "{\"secret\":\"a-wants-in-too\"}", 404));
	json_t *mine = api(&a, "GET", "/v1/webhook-sources", NULL, 200);
	char *text = json_dumps(mine, 0);
	assert_null(strstr(text, b.shopify_source));
	free(text);
	json_decref(mine);
	src = api(&b, "GET", "/v1/webhook-sources", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(
	                     json_array_get(json_object_get(src, "data"), 0), "secrets")),
	                 1);
	json_decref(src);
	/* a delivery to B changes nothing of A */
	assert_string_equal(deliver(&b, WOO, "customer.created",
	                            "{\"id\":9,\"email\":\"b@example.com\",\"date_modified_gmt\":"
	                            "\"2024-01-01T00:00:00\"}",
	                            NULL, 200),
	                    "processed");
	assert_unchanged(a.tenant, before);
}

/* Shopify's test orders count for nothing by default; the ping and X-WC-Webhook-Source
 * name the configured shop or get nothing. */
static void test_orders_ping_and_the_woocommerce_source(void **state)
{
	(void)state;
	struct shop s;
	struct response r;
	char body[256], path[128];
	long before[5];
	create_tenant(fx.srv.port, "Live shop", s.tenant, s.key);
	json_decref(
	    api(&s, "PUT", "/v1/program",
	        "{\"currency\":\"USD\",\"points_per_unit\":1,\"tiers\":[{\"name\":\"basic\","
	        "\"threshold\":0}],\"expiry_days\":3650}",
	        200));
	/* a WooCommerce ping where no WooCommerce source is configured: 404, as for a tenant
	 * that does not exist */
	snprintf(path, sizeof(path), "/v1/webhooks/woocommerce/%s", s.tenant);
	const char *ping[] = {"Content-Type: application/x-www-form-urlencoded",
	                      "X-WC-Webhook-Source: https://shop.example.com/", NULL};
	assert_int_equal(http(fx.srv.port, "POST", path, ping, "webhook_id=535", &r), 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
	assert_int_equal(http(fx.srv.port, "POST",
	                      "/v1/webhooks/woocommerce/00000000-0000-0000-0000-000000000000", ping,
	                      "webhook_id=535", &r),
	                 0);
	assert_int_equal(r.status, 404);
	response_free(&r);

	snprintf(body, sizeof(body),
	         "{\"kind\":\"shopify\",\"shop\":\"example.myshopify.com\",\"secret\":\"%s\"}",
	         SHOPIFY_SECRET);
	json_t *src = api(&s, "POST", "/v1/webhook-sources", body, 201);
	assert_true(json_is_false(json_object_get(src, "count_test_orders")));
	json_decref(src);
	json_decref(api(&s, "POST", "/v1/webhook-sources",
	                "{\"kind\":\"woocommerce\",\"shop\":\"https://shop.example.com\","
	                "\"secret\":\"0123456789\",\"count_test_orders\":\"yes\"}",
	                422));
	snprintf(
	    body, sizeof(body),
	    "{\"kind\":\"woocommerce\",\"shop\":\"https://Shop.example.com\",\"secret\":\"%s\"}",
	    WOO_SECRET);
	json_decref(api(&s, "POST", "/v1/webhook-sources", body, 201));
	snapshot(s.tenant, before);

	/* the docs' sample order is a test order ("test": true): answered, counted for nothing */
	json_t *o = fixture_json("shopify", "shopify_docs_2026-07_orders_create.json");
	assert_true(json_is_true(json_object_get(o, "test")));
	assert_string_equal(deliver_json(&s, SHOPIFY, "orders/create", o, "test-order-1"),
	                    "ignored");
	assert_unchanged(s.tenant, before);
	/* the same order as a real one counts */
	json_object_set_new(o, "test", json_false());
	assert_string_equal(deliver_json(&s, SHOPIFY, "orders/create", o, "real-order-1"),
	                    "processed");
	json_decref(o);

	/* the ping names the configured shop (case, scheme and a trailing slash aside) */
	assert_int_equal(http(fx.srv.port, "POST", path, ping, "webhook_id=535", &r), 0);
	assert_int_equal(r.status, 200);
	response_free(&r);
	const char *elsewhere[] = {"Content-Type: application/x-www-form-urlencoded",
	                           "X-WC-Webhook-Source: https://other.example.com/", NULL};
	assert_int_equal(http(fx.srv.port, "POST", path, elsewhere, "webhook_id=535", &r), 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
	/* a signed delivery that says it comes from another site than the source's: 401 */
	snapshot(s.tenant, before);
	char *order = fixture("woocommerce", "wc_rest_v3_order_create_response_example.json");
	char sig[WEBHOOK_SIG_B64_LEN + 1], sig_h[128];
	assert_int_equal(
	    webhook_sig_sign(WOO_SECRET, strlen(WOO_SECRET), order, strlen(order), sig), 0);
	snprintf(sig_h, sizeof(sig_h), "X-WC-Webhook-Signature: %s", sig);
	const char *h[] = {"Content-Type: application/json", sig_h,
	                   "X-WC-Webhook-Topic: order.created",
	                   "X-WC-Webhook-Source: https://other.example.com/", NULL};
	assert_int_equal(http(fx.srv.port, "POST", path, h, order, &r), 0);
	assert_int_equal(r.status, 401);
	assert_true(
	    response_json_equal(&r,
	                        "{\"type\":\"urn:loyaltyd:problem:bad-signature\",\"title\":"
	                        "\"Unauthorized\",\"status\":401,\"detail\":\"the delivery comes "
	                        "from another shop than this source's\"}",
	                        NULL));
	response_free(&r);
	assert_unchanged(s.tenant, before);
	/* and from the source's own site it is stored */
	h[3] = "X-WC-Webhook-Source: http://shop.example.com";
	assert_int_equal(http(fx.srv.port, "POST", path, h, order, &r), 0);
	assert_int_equal(r.status, 200);
	assert_true(
	    response_json_equal(&r, "{\"status\":\"processed\",\"events_stored\":1}", NULL));
	response_free(&r);
	free(order);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(sources_and_secret_rotation, ledger_invariant),
	    cmocka_unit_test_teardown(published_sample_verifies_and_maps_exactly, ledger_invariant),
	    cmocka_unit_test(escaped_slashes_and_non_ascii_verify_on_raw_bytes),
	    cmocka_unit_test(bad_signatures_are_401_and_change_nothing),
	    cmocka_unit_test_teardown(partial_refund_takes_back_proportional_points,
	                              ledger_invariant),
	    cmocka_unit_test_teardown(out_of_order_deliveries_end_in_the_same_state,
	                              ledger_invariant),
	    cmocka_unit_test_teardown(replays_sequential_and_concurrent_have_one_effect,
	                              ledger_invariant),
	    cmocka_unit_test(malformed_oversized_and_invalid_payloads),
	    cmocka_unit_test_teardown(woocommerce_ping_orders_refunds_and_customers,
	                              ledger_invariant),
	    cmocka_unit_test_teardown(privacy_topics_erase_and_record, ledger_invariant),
	    cmocka_unit_test(unknown_topics_are_200_and_counted),
	    cmocka_unit_test(another_tenant_is_out_of_reach),
	    cmocka_unit_test_teardown(test_orders_ping_and_the_woocommerce_source,
	                              ledger_invariant),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
