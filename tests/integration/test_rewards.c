/* test_rewards.c - the rewards catalogue, redemptions and coupons against the real server
 * and database: every kind and its validation (nothing changed by a refusal), a
 * redemption's exact balance, ledger entry and coupon, each 409 (balance, stock, limit,
 * tier, window), 100 concurrent redemptions of a reward with stock 10, Idempotency-Key,
 * coupons used once at checkout (case-insensitive, the same order again, another order,
 * another customer), pools of codes drawn and imported from CSV, the coupon in the export,
 * the points report, the outbound events reward.redeemed and coupon.used, and deletion. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static struct fixture fx;

static json_t *ok_json(const char *method, const char *path, const char *body, int status)
{
	return api_json(fx.srv.port, fx.key, method, path, body, status);
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void customer_with(const char *id, long points)
{
	char path[96], body[64];
	snprintf(path, sizeof(path), "/v1/customers/%s", id);
	json_decref(ok_json("PUT", path, "{}", 201));
	if (points > 0) {
		snprintf(path, sizeof(path), "/v1/customers/%s/points/earn", id);
		snprintf(body, sizeof(body), "{\"points\":%ld}", points);
		json_decref(ok_json("POST", path, body, 201));
	}
}

/* Creates a reward from body; writes its id into id. */
static void reward(const char *body, char id[37])
{
	json_t *j = ok_json("POST", "/v1/rewards", body, 201);
	snprintf(id, 37, "%s", str(j, "id"));
	json_decref(j);
}

static long balance(const char *customer)
{
	char path[96];
	snprintf(path, sizeof(path), "/v1/customers/%s/points", customer);
	json_t *j = ok_json("GET", path, NULL, 200);
	long b = (long)json_int(j, "balance");
	json_decref(j);
	return b;
}

static json_t *redeem(const char *customer, const char *reward_id, int status)
{
	char path[160];
	snprintf(path, sizeof(path), "/v1/customers/%s/rewards/%s/redeem", customer, reward_id);
	return ok_json("POST", path, NULL, status);
}

static long rows(const char *sql)
{
	return db_long(sql, fx.tenant);
}

static int setup(void **state)
{
	/* 100 redemptions at once, from one address, wait their turn on the reward's row:
	 * longer than the 2 s a request waits for a connection by default on a loaded
	 * machine, and more connections than the 64 an address may hold by default */
	static const char *const env[] = {"LOYALTYD_OUTBOUND_ALLOW_PRIVATE=1",
	                                  "LOYALTYD_DB_CHECKOUT_MS=30000",
	                                  "LOYALTYD_MAX_CONNECTIONS_PER_IP=200",
	                                  /* the expiry task every second */
	                                  "LOYALTYD_EXPIRY_INTERVAL_S=1", NULL};
	fixture_setup(state, &fx, env, "Rewards shop");
	json_decref(
	    ok_json("PUT", "/v1/program",
	            "{\"currency\":\"EUR\",\"points_per_unit\":1,\"tiers\":[{\"name\":\"bronze\","
	            "\"threshold\":0},{\"name\":\"gold\",\"threshold\":1000}],"
	            "\"expiry_days\":365,\"min_redeem\":500}",
	            200));
	return 0;
}

static void every_kind_is_kept_as_sent(void **state)
{
	(void)state;
	json_t *j = ok_json("POST", "/v1/rewards",
	                    "{\"name\":\"5 EUR off\",\"points_cost\":250,\"kind\":\"fixed_amount\","
	                    "\"amount\":\"5\",\"currency\":\"EUR\",\"stock\":20,"
	                    "\"per_customer_limit\":2,\"coupon_valid_days\":30,"
	                    "\"code_prefix\":\"EUR5-\",\"code_length\":8,"
	                    "\"starts_at\":\"2026-01-01T00:00:00+01:00\"}",
	                    201);
	json_object_del(j, "id");
	json_object_del(j, "created_at");
	json_object_del(j, "updated_at");
	assert_true(json_matches(
	    j, "{\"name\":\"5 EUR off\",\"points_cost\":250,\"kind\":\"fixed_amount\","
	       "\"amount\":\"5.00\",\"currency\":\"EUR\",\"percent\":null,\"description\":\"\","
	       "\"tier\":null,\"starts_at\":\"2025-12-31T23:00:00.000000Z\",\"ends_at\":null,"
	       "\"stock\":20,\"issued\":0,\"remaining\":20,\"used\":0,\"per_customer_limit\":2,"
	       "\"coupon_valid_days\":30,\"refund_on_expiry\":false,\"codes\":\"generated\","
	       "\"code_prefix\":\"EUR5-\",\"code_length\":8,\"pool_available\":null,"
	       "\"enabled\":true}"));
	json_decref(j);
	j = ok_json("POST", "/v1/rewards",
	            "{\"name\":\"10 %\",\"points_cost\":400,\"kind\":\"percent\",\"percent\":12.5}",
	            201);
	assert_string_equal(str(j, "percent"), "12.50");
	assert_true(json_is_null(json_object_get(j, "stock")));
	assert_true(json_is_null(json_object_get(j, "remaining")));
	json_decref(j);
	j = ok_json("POST", "/v1/rewards",
	            "{\"name\":\"Tote bag\",\"points_cost\":900,\"kind\":\"gift\","
	            "\"description\":\"a canvas tote bag with the next order\",\"tier\":\"gold\"}",
	            201);
	assert_string_equal(str(j, "tier"), "gold");
	json_decref(j);
	json_decref(ok_json("POST", "/v1/rewards",
	                    "{\"name\":\"Free shipping\",\"points_cost\":150,\"kind\":"
	                    "\"free_shipping\"}",
	                    201));
	json_decref(ok_json("POST", "/v1/rewards",
	                    "{\"name\":\"Workshop seat\",\"points_cost\":2000,\"kind\":\"custom\"}",
	                    201));
	j = ok_json("GET", "/v1/rewards", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "data")), 5);
	assert_string_equal(str(json_array_get(json_object_get(j, "data"), 0), "name"),
	                    "5 EUR off");
	json_decref(j);
}

static void bad_rewards_answer_422_naming_the_field(void **state)
{
	(void)state;
	static const struct {
		const char *body, *pointer;
	} bad[] = {
	    {"{\"name\":\"Zero\",\"points_cost\":0,\"kind\":\"custom\"}", "/points_cost"},
	    {"{\"name\":\"Neg\",\"points_cost\":-5,\"kind\":\"custom\"}", "/points_cost"},
	    {"{\"name\":\"\",\"points_cost\":5,\"kind\":\"custom\"}", "/name"},
	    {"{\"name\":\"K\",\"points_cost\":5,\"kind\":\"cashback\"}", "/kind"},
	    {"{\"name\":\"F\",\"points_cost\":5,\"kind\":\"fixed_amount\",\"currency\":\"EUR\"}",
	     "/amount"},
	    {"{\"name\":\"F\",\"points_cost\":5,\"kind\":\"fixed_amount\",\"amount\":\"5\"}",
	     "/currency"},
	    {"{\"name\":\"F\",\"points_cost\":5,\"kind\":\"fixed_amount\",\"amount\":\"0\","
	     "\"currency\":\"EUR\"}",
	     "/amount"},
	    {"{\"name\":\"F\",\"points_cost\":5,\"kind\":\"fixed_amount\",\"amount\":\"5\","
	     "\"currency\":\"XYZ\"}",
	     "/currency"},
	    {"{\"name\":\"P\",\"points_cost\":5,\"kind\":\"percent\",\"percent\":101}", "/percent"},
	    {"{\"name\":\"P\",\"points_cost\":5,\"kind\":\"percent\",\"percent\":10,\"amount\":"
	     "\"1\"}",
	     "/amount"},
	    {"{\"name\":\"S\",\"points_cost\":5,\"kind\":\"free_shipping\",\"percent\":10}",
	     "/percent"},
	    {"{\"name\":\"G\",\"points_cost\":5,\"kind\":\"gift\"}", "/description"},
	    {"{\"name\":\"W\",\"points_cost\":5,\"kind\":\"custom\",\"starts_at\":"
	     "\"2026-12-10T00:00:00Z\",\"ends_at\":\"2026-12-09T00:00:00Z\"}",
	     "/ends_at"},
	    {"{\"name\":\"W\",\"points_cost\":5,\"kind\":\"custom\",\"starts_at\":\"tomorrow\"}",
	     "/starts_at"},
	    {"{\"name\":\"T\",\"points_cost\":5,\"kind\":\"custom\",\"tier\":\"platinum\"}",
	     "/tier"},
	    {"{\"name\":\"L\",\"points_cost\":5,\"kind\":\"custom\",\"per_customer_limit\":0}",
	     "/per_customer_limit"},
	    {"{\"name\":\"L\",\"points_cost\":5,\"kind\":\"custom\",\"stock\":-1}", "/stock"},
	    {"{\"name\":\"C\",\"points_cost\":5,\"kind\":\"custom\",\"code_prefix\":\"lower\"}",
	     "/code_prefix"},
	    {"{\"name\":\"C\",\"points_cost\":5,\"kind\":\"custom\",\"code_length\":5}",
	     "/code_length"},
	    {"{\"name\":\"C\",\"points_cost\":5,\"kind\":\"custom\",\"codes\":\"shopify\"}",
	     "/codes"},
	    {"{\"name\":\"C\",\"points_cost\":5,\"kind\":\"custom\",\"colour\":\"red\"}",
	     "/colour"},
	};
	long before = rows("SELECT count(*) FROM rewards WHERE tenant_id = $1");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct response r;
		assert_int_equal(
		    call_as(fx.srv.port, fx.key, "POST", "/v1/rewards", bad[i].body, NULL, &r), 0);
		if (!response_single_error(&r, 422, bad[i].pointer, NULL))
			fail_msg("%s: %d %s", bad[i].body, r.status, r.body);
		response_free(&r);
	}
	assert_int_equal(rows("SELECT count(*) FROM rewards WHERE tenant_id = $1"), before);
}

static void a_redemption_spends_points_and_issues_a_coupon(void **state)
{
	char id[37], path[160];
	(void)state;
	customer_with("ana", 800);
	reward("{\"name\":\"Tea towel\",\"points_cost\":300,\"kind\":\"gift\",\"description\":"
	       "\"a linen tea towel\",\"coupon_valid_days\":14,\"code_prefix\":\"TT-\"}",
	       id);
	struct response r;
	snprintf(path, sizeof(path), "/v1/customers/ana/rewards/%s/redeem", id);
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", path, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 201);
	json_t *j = response_json(&r);
	json_t *c = json_object_get(j, "coupon");
	/* 800 - 300; min_redeem (500) is for cash redemptions, not for rewards */
	assert_int_equal(json_int(j, "balance"), 500);
	assert_string_equal(str(c, "status"), "issued");
	assert_string_equal(str(c, "reward_id"), id);
	assert_string_equal(str(c, "customer_id"), "ana");
	assert_int_equal(json_int(c, "points"), 300);
	const char *code = str(c, "code");
	assert_int_equal(strlen(code), 3 + 10);
	assert_memory_equal(code, "TT-", 3);
	assert_int_equal(strspn(code + 3, "23456789ABCDEFGHJKMNPQRSTUVWXYZ"), 10);
	char loc[96];
	snprintf(loc, sizeof(loc), "/v1/coupons/%s", code);
	assert_string_equal(response_header(&r, "Location"), loc);
	/* valid 14 days from its issue */
	char sql[256];
	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM coupons WHERE tenant_id = $1 AND code = '%s' AND "
	         "expires_at = issued_at + interval '14 days'",
	         code);
	assert_int_equal(rows(sql), 1);
	json_t *e = json_object_get(j, "entry");
	assert_string_equal(str(e, "kind"), "redeem");
	assert_int_equal(json_int(e, "points"), -300);
	assert_string_equal(str(e, "reason"), "reward: Tea towel");
	char ref[96];
	snprintf(ref, sizeof(ref), "coupon:%s", code);
	assert_string_equal(str(e, "reference"), ref);
	/* the customer's history, coupons and export show it */
	json_t *h = ok_json("GET", "/v1/customers/ana/points/history", NULL, 200);
	assert_string_equal(str(json_array_get(json_object_get(h, "data"), 0), "reference"), ref);
	json_decref(h);
	h = ok_json("GET", "/v1/customers/ana/coupons", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(h, "data")), 1);
	assert_string_equal(str(json_array_get(json_object_get(h, "data"), 0), "code"), code);
	json_decref(h);
	h = ok_json("GET", "/v1/customers/ana/export", NULL, 200);
	json_t *exported = json_array_get(json_object_get(h, "coupons"), 0);
	assert_string_equal(str(exported, "code"), code);
	assert_string_equal(str(json_object_get(exported, "reward"), "name"), "Tea towel");
	json_decref(h);
	/* the catalogue counts it; the points report counts it as redeemed */
	snprintf(path, sizeof(path), "/v1/rewards/%s", id);
	h = ok_json("GET", path, NULL, 200);
	assert_int_equal(json_int(h, "issued"), 1);
	json_decref(h);
	h = ok_json("GET", "/v1/reports/points", NULL, 200);
	assert_int_equal(json_int(json_object_get(h, "lifetime"), "redeemed"), 300);
	json_decref(h);
	json_decref(j);
	response_free(&r);
}

static void each_refusal_is_a_409_and_changes_nothing(void **state)
{
	char cheap[37], limited[37], gold[37], later[37], off[37], one[37];
	(void)state;
	customer_with("ben", 700);
	reward("{\"name\":\"Big\",\"points_cost\":701,\"kind\":\"custom\"}", cheap);
	reward(
	    "{\"name\":\"Once\",\"points_cost\":100,\"kind\":\"custom\",\"per_customer_limit\":1}",
	    limited);
	reward("{\"name\":\"Gold only\",\"points_cost\":100,\"kind\":\"custom\",\"tier\":\"gold\"}",
	       gold);
	reward("{\"name\":\"Later\",\"points_cost\":100,\"kind\":\"custom\",\"starts_at\":"
	       "\"2099-01-01T00:00:00Z\"}",
	       later);
	reward("{\"name\":\"Off\",\"points_cost\":100,\"kind\":\"custom\",\"enabled\":false}", off);
	reward("{\"name\":\"Last one\",\"points_cost\":100,\"kind\":\"custom\",\"stock\":0}", one);
	long entries = rows("SELECT count(*) FROM points_ledger WHERE tenant_id = $1");
	json_t *j = redeem("ben", cheap, 409);
	assert_string_equal(str(j, "type"), "urn:loyaltyd:problem:insufficient-points");
	assert_int_equal(json_int(j, "available"), 700);
	json_decref(j);
	json_decref(redeem("ben", limited, 201));
	entries++;
	j = redeem("ben", limited, 409);
	assert_string_equal(str(j, "type"), "urn:loyaltyd:problem:limit-reached");
	assert_int_equal(json_int(j, "per_customer_limit"), 1);
	json_decref(j);
	j = redeem("ben", gold, 409); /* 700 earned: bronze */
	assert_string_equal(str(j, "type"), "urn:loyaltyd:problem:tier-required");
	assert_string_equal(str(j, "tier"), "gold");
	json_decref(j);
	j = redeem("ben", later, 409);
	assert_string_equal(str(j, "type"), "urn:loyaltyd:problem:reward-not-available");
	json_decref(j);
	j = redeem("ben", off, 409);
	assert_string_equal(str(j, "type"), "urn:loyaltyd:problem:reward-not-available");
	json_decref(j);
	j = redeem("ben", one, 409);
	assert_string_equal(str(j, "type"), "urn:loyaltyd:problem:out-of-stock");
	json_decref(j);
	json_decref(redeem("nobody", cheap, 404));
	json_decref(redeem("ben", "00000000-0000-4000-8000-000000000000", 404));
	json_decref(redeem("ben", "not-a-uuid", 404));
	assert_int_equal(rows("SELECT count(*) FROM points_ledger WHERE tenant_id = $1"), entries);
	assert_int_equal(balance("ben"), 600);
	/* gold once 1,000 points are earned in the window */
	json_decref(ok_json("POST", "/v1/customers/ben/points/earn", "{\"points\":300}", 201));
	json_decref(redeem("ben", gold, 201));
	assert_int_equal(balance("ben"), 800);
}

struct racer {
	const char *reward;
	char customer[16];
	int status;
};

static void *redeem_once(void *arg)
{
	struct racer *r = arg;
	struct response resp;
	char path[160];
	snprintf(path, sizeof(path), "/v1/customers/%s/rewards/%s/redeem", r->customer, r->reward);
	r->status = -1;
	if (call_as(fx.srv.port, fx.key, "POST", path, NULL, NULL, &resp) == 0) {
		r->status = resp.status;
		response_free(&resp);
	}
	return NULL;
}

static void concurrent_redemptions_never_oversell_nor_overspend(void **state)
{
	char id[37];
	pthread_t t[100];
	struct racer r[100];
	(void)state;
	/* 50 customers with points for exactly one redemption each, two requests each: 100 at
	 * once against a stock of 10 */
	for (int i = 0; i < 50; i++) {
		char c[16];
		snprintf(c, sizeof(c), "race-%02d", i);
		customer_with(c, 150);
	}
	reward("{\"name\":\"Ten only\",\"points_cost\":100,\"kind\":\"custom\",\"stock\":10}", id);
	for (int i = 0; i < 100; i++) {
		r[i].reward = id;
		snprintf(r[i].customer, sizeof(r[i].customer), "race-%02d", i % 50);
		pthread_create(&t[i], NULL, redeem_once, &r[i]);
	}
	int ok = 0, refused = 0;
	for (int i = 0; i < 100; i++) {
		pthread_join(t[i], NULL);
		ok += r[i].status == 201;
		refused += r[i].status == 409;
		if (r[i].status != 201 && r[i].status != 409)
			fprintf(stderr, "redemption %d: %d\n", i, r[i].status);
	}
	assert_int_equal(ok, 10);
	assert_int_equal(refused, 90);
	char path[64];
	snprintf(path, sizeof(path), "/v1/rewards/%s", id);
	json_t *j = ok_json("GET", path, NULL, 200);
	assert_int_equal(json_int(j, "issued"), 10);
	assert_int_equal(json_int(j, "remaining"), 0);
	json_decref(j);
	/* ten customers spent 100 each, nobody twice, nobody below zero */
	assert_int_equal(rows("SELECT count(*) FROM coupons k JOIN customers c ON c.tenant_id = "
	                      "k.tenant_id AND c.id = k.customer_id WHERE k.tenant_id = $1 AND "
	                      "c.external_id LIKE 'race-%'"),
	                 10);
	assert_int_equal(rows("SELECT count(DISTINCT k.customer_id) FROM coupons k JOIN customers "
	                      "c ON c.tenant_id = k.tenant_id AND c.id = k.customer_id WHERE "
	                      "k.tenant_id = $1 AND c.external_id LIKE 'race-%'"),
	                 10);
	assert_int_equal(rows("SELECT sum(a.total) FROM points_accounts a JOIN customers c ON "
	                      "c.tenant_id = a.tenant_id AND c.id = a.customer_id WHERE "
	                      "a.tenant_id = $1 AND c.external_id LIKE 'race-%'"),
	                 50 * 150 - 10 * 100);
}

static void an_idempotent_redemption_issues_one_coupon(void **state)
{
	char id[37], path[160];
	(void)state;
	customer_with("idem", 1000);
	reward("{\"name\":\"Idem\",\"points_cost\":100,\"kind\":\"custom\"}", id);
	snprintf(path, sizeof(path), "/v1/customers/idem/rewards/%s/redeem", id);
	const char *h[] = {"Idempotency-Key: redeem-idem-1", NULL};
	struct response a, b;
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", path, NULL, h, &a), 0);
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", path, NULL, h, &b), 0);
	assert_int_equal(a.status, 201);
	assert_int_equal(b.status, 201);
	assert_string_equal(a.body, b.body);
	response_free(&a);
	response_free(&b);
	assert_int_equal(balance("idem"), 900);
	assert_int_equal(rows("SELECT count(*) FROM coupons k JOIN customers c ON c.tenant_id = "
	                      "k.tenant_id AND c.id = k.customer_id WHERE k.tenant_id = $1 AND "
	                      "c.external_id = 'idem'"),
	                 1);
}

static void a_coupon_is_used_once_at_checkout(void **state)
{
	char id[37], path[128], lower[80];
	(void)state;
	customer_with("cara", 500);
	customer_with("dora", 0);
	reward("{\"name\":\"Use me\",\"points_cost\":100,\"kind\":\"percent\",\"percent\":\"15\"}",
	       id);
	json_t *j = redeem("cara", id, 201);
	char code[80];
	snprintf(code, sizeof(code), "%s", str(json_object_get(j, "coupon"), "code"));
	json_decref(j);
	/* looked up in any case */
	for (size_t i = 0; code[i]; i++)
		lower[i] = (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] - 'A' + 'a' : code[i]);
	lower[strlen(code)] = '\0';
	snprintf(path, sizeof(path), "/v1/coupons/%s", lower);
	j = ok_json("GET", path, NULL, 200);
	assert_string_equal(str(j, "code"), code);
	assert_string_equal(str(j, "status"), "issued");
	assert_string_equal(str(json_object_get(j, "reward"), "percent"), "15.00");
	json_decref(j);
	snprintf(path, sizeof(path), "/v1/coupons/%s/use", code);
	/* another customer's checkout: refused, naming the field */
	struct response r;
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", path,
	                         "{\"order_id\":\"o-9\",\"customer_id\":\"dora\"}", NULL, &r),
	                 0);
	assert_true(response_single_error(&r, 409, "/customer_id", NULL));
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", path, "{}", NULL, &r), 0);
	assert_true(response_single_error(&r, 422, "/order_id", NULL));
	response_free(&r);
	j = ok_json("POST", path, "{\"order_id\":\"o-1\",\"customer_id\":\"cara\"}", 200);
	assert_string_equal(str(j, "status"), "used");
	assert_string_equal(str(j, "order_id"), "o-1");
	assert_true(json_is_string(json_object_get(j, "used_at")));
	json_decref(j);
	/* the checkout's retry for the same order is answered the same; another order is not */
	j = ok_json("POST", path, "{\"order_id\":\"o-1\"}", 200);
	assert_string_equal(str(j, "status"), "used");
	json_decref(j);
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "POST", path, "{\"order_id\":\"o-2\"}", NULL, &r), 0);
	assert_true(response_single_error(&r, 409, "/order_id", NULL));
	json_t *p = response_json(&r);
	assert_string_equal(str(p, "type"), "urn:loyaltyd:problem:coupon-used");
	assert_string_equal(str(json_object_get(p, "coupon"), "order_id"), "o-1");
	json_decref(p);
	response_free(&r);
	assert_int_equal(rows("SELECT count(*) FROM coupons WHERE tenant_id = $1 AND status = "
	                      "'used' AND order_id = 'o-1'"),
	                 1);
	/* an expired coupon cannot be used; unknown and malformed codes are 404 */
	j = redeem("cara", id, 201);
	snprintf(code, sizeof(code), "%s", str(json_object_get(j, "coupon"), "code"));
	json_decref(j);
	char sql[320];
	snprintf(sql, sizeof(sql),
	         "WITH u AS (UPDATE coupons SET expires_at = now() - interval '1 second' WHERE "
	         "tenant_id = $1 AND code = '%s' RETURNING 1) SELECT count(*) FROM u",
	         code);
	assert_int_equal(rows(sql), 1);
	snprintf(path, sizeof(path), "/v1/coupons/%s", code);
	j = ok_json("GET", path, NULL, 200);
	assert_string_equal(str(j, "status"), "expired");
	json_decref(j);
	snprintf(path, sizeof(path), "/v1/coupons/%s/use", code);
	j = ok_json("POST", path, "{\"order_id\":\"o-3\"}", 409);
	assert_string_equal(str(j, "type"), "urn:loyaltyd:problem:coupon-expired");
	json_decref(j);
	json_decref(ok_json("GET", "/v1/coupons/NO-SUCH-CODE", NULL, 404));
	json_decref(ok_json("GET", "/v1/coupons/bad%20code", NULL, 404));
	json_decref(ok_json("POST", "/v1/coupons/NO-SUCH-CODE/use", "{\"order_id\":\"x\"}", 404));
}

static void pools_of_codes_drawn_and_imported(void **state)
{
	char id[37], other[37], path[128];
	(void)state;
	customer_with("pool", 1000);
	reward("{\"name\":\"Pool\",\"points_cost\":100,\"kind\":\"free_shipping\",\"codes\":"
	       "\"pool\",\"code_prefix\":\"FS-\",\"code_length\":6}",
	       id);
	reward("{\"name\":\"Other\",\"points_cost\":100,\"kind\":\"custom\",\"codes\":\"pool\"}",
	       other);
	/* an empty pool: nothing to issue */
	json_t *j = redeem("pool", id, 409);
	assert_string_equal(str(j, "type"), "urn:loyaltyd:problem:out-of-stock");
	json_decref(j);
	snprintf(path, sizeof(path), "/v1/rewards/%s/codes", id);
	j = ok_json("POST", path, "{\"count\":1000}", 201);
	assert_int_equal(json_int(j, "added"), 1000);
	assert_int_equal(json_int(j, "pool_available"), 1000);
	json_t *codes = json_object_get(j, "codes"), *v;
	size_t i;
	assert_int_equal(json_array_size(codes), 1000);
	json_array_foreach (codes, i, v) {
		const char *c = json_string_value(v);
		assert_int_equal(strlen(c), 9);
		assert_memory_equal(c, "FS-", 3);
		assert_int_equal(strspn(c + 3, "23456789ABCDEFGHJKMNPQRSTUVWXYZ"), 6);
	}
	json_decref(j);
	assert_int_equal(rows("SELECT count(DISTINCT code) FROM coupons WHERE tenant_id = $1 AND "
	                      "code LIKE 'FS-%'"),
	                 1000);
	/* the shop's own codes: a header, quotes, CRLF, a blank line, a repeat, lower case */
	const char *csv_h[] = {"Content-Type: text/csv", NULL};
	struct response r;
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", path,
	                         "code\r\n\"SHOP-A1\",first\r\nshop-b2\r\n\r\nSHOP-A1\n", csv_h,
	                         &r),
	                 0);
	assert_int_equal(r.status, 201);
	assert_true(response_json_equal(&r,
	                                "{\"added\":2,\"already_in_pool\":0,\"repeated_lines\":"
	                                "1,\"pool_available\":1002}",
	                                NULL));
	response_free(&r);
	/* again: nothing new; a bad line and a code of another reward change nothing */
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "POST", path, "SHOP-A1\nSHOP-C3\n", csv_h, &r), 0);
	assert_true(response_json_equal(&r,
	                                "{\"added\":1,\"already_in_pool\":1,\"repeated_lines\":"
	                                "0,\"pool_available\":1003}",
	                                NULL));
	response_free(&r);
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "POST", path, "SHOP-D4\nnot a code!\n", csv_h, &r), 0);
	assert_int_equal(r.status, 422);
	json_t *p = response_json(&r);
	assert_int_equal(json_int(json_array_get(json_object_get(p, "errors"), 0), "line"), 2);
	json_decref(p);
	response_free(&r);
	char other_path[128];
	snprintf(other_path, sizeof(other_path), "/v1/rewards/%s/codes", other);
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "POST", other_path, "NEW-1\nshop-b2\n", csv_h, &r), 0);
	assert_int_equal(r.status, 422);
	p = response_json(&r);
	json_t *e = json_array_get(json_object_get(p, "errors"), 0);
	assert_int_equal(json_int(e, "line"), 2);
	assert_non_null(strstr(str(e, "message"), "SHOP-B2"));
	json_decref(p);
	response_free(&r);
	assert_int_equal(rows("SELECT count(*) FROM coupons WHERE tenant_id = $1 AND code IN "
	                      "('SHOP-D4', 'NEW-1')"),
	                 0);
	json_decref(ok_json("POST", path, "{\"count\":0}", 422));
	json_decref(ok_json("POST", path, "{\"count\":100001}", 422));
	json_decref(ok_json("POST", path, "{\"count\":5,\"prefix\":\"lower-\"}", 422));
	/* a redemption takes the oldest code of the pool */
	j = ok_json("GET", "/v1/rewards/00000000-0000-4000-8000-000000000000/codes", NULL, 404);
	json_decref(j);
	snprintf(path, sizeof(path), "/v1/rewards/%s/codes?status=available&limit=1", id);
	j = ok_json("GET", path, NULL, 200);
	char first[80];
	snprintf(first, sizeof(first), "%s",
	         str(json_array_get(json_object_get(j, "data"), 0), "code"));
	json_decref(j);
	j = redeem("pool", id, 201);
	assert_string_equal(str(json_object_get(j, "coupon"), "code"), first);
	json_decref(j);
	snprintf(path, sizeof(path), "/v1/rewards/%s/codes?status=issued", id);
	j = ok_json("GET", path, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "data")), 1);
	json_decref(j);
	snprintf(path, sizeof(path), "/v1/rewards/%s", id);
	j = ok_json("GET", path, NULL, 200);
	assert_int_equal(json_int(j, "pool_available"), 1002);
	assert_int_equal(json_int(j, "issued"), 1);
	json_decref(j);
}

static void patch_and_delete(void **state)
{
	char id[37], kept[37], path[96];
	(void)state;
	customer_with("pat", 1000);
	reward("{\"name\":\"Patch me\",\"points_cost\":100,\"kind\":\"fixed_amount\",\"amount\":"
	       "\"5\",\"currency\":\"EUR\",\"stock\":5}",
	       id);
	snprintf(path, sizeof(path), "/v1/rewards/%s", id);
	json_t *j = ok_json("PATCH", path, "{\"points_cost\":120,\"stock\":null}", 200);
	assert_int_equal(json_int(j, "points_cost"), 120);
	assert_true(json_is_null(json_object_get(j, "stock")));
	assert_string_equal(str(j, "amount"), "5.00");
	json_decref(j);
	/* another kind needs its members and the old ones null */
	struct response r;
	assert_int_equal(call_as(fx.srv.port, fx.key, "PATCH", path,
	                         "{\"kind\":\"percent\",\"percent\":10}", NULL, &r),
	                 0);
	assert_int_equal(r.status, 422);
	response_free(&r);
	j = ok_json("PATCH", path,
	            "{\"kind\":\"percent\",\"percent\":10,\"amount\":null,\"currency\":null}", 200);
	assert_string_equal(str(j, "kind"), "percent");
	json_decref(j);
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "PATCH", path, "{\"points_cost\":0}", NULL, &r), 0);
	assert_true(response_single_error(&r, 422, "/points_cost", NULL));
	response_free(&r);
	/* a deletion with no coupon issued; one with a coupon is refused: disable it instead */
	assert_int_equal(call_as(fx.srv.port, fx.key, "DELETE", path, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 204);
	response_free(&r);
	json_decref(ok_json("GET", path, NULL, 404));
	reward("{\"name\":\"Kept\",\"points_cost\":100,\"kind\":\"custom\",\"stock\":3}", kept);
	json_decref(redeem("pat", kept, 201));
	json_decref(redeem("pat", kept, 201));
	snprintf(path, sizeof(path), "/v1/rewards/%s", kept);
	assert_int_equal(call_as(fx.srv.port, fx.key, "PATCH", path, "{\"stock\":1}", NULL, &r), 0);
	assert_true(response_single_error(&r, 422, "/stock", NULL));
	response_free(&r);
	j = ok_json("DELETE", path, NULL, 409);
	assert_string_equal(str(j, "type"), "urn:loyaltyd:problem:reward-has-coupons");
	json_decref(j);
	j = ok_json("PATCH", path, "{\"enabled\":false}", 200);
	assert_false(json_is_true(json_object_get(j, "enabled")));
	json_decref(j);
	json_decref(redeem("pat", kept, 409));
}

static void redemptions_and_uses_are_outbound_events(void **state)
{
	char id[37], path[128];
	(void)state;
	json_t *ep = ok_json("POST", "/v1/event-endpoints",
	                     "{\"url\":\"http://127.0.0.1:9/rewards\",\"event_types\":["
	                     "\"reward.redeemed\",\"coupon.used\"],\"enabled\":true}",
	                     201);
	char endpoint[37];
	snprintf(endpoint, sizeof(endpoint), "%s", str(ep, "id"));
	json_decref(ep);
	customer_with("eve", 500);
	reward("{\"name\":\"Told\",\"points_cost\":100,\"kind\":\"custom\"}", id);
	json_t *j = redeem("eve", id, 201);
	char code[80];
	snprintf(code, sizeof(code), "%s", str(json_object_get(j, "coupon"), "code"));
	json_decref(j);
	snprintf(path, sizeof(path), "/v1/coupons/%s/use", code);
	json_decref(ok_json("POST", path, "{\"order_id\":\"eve-1\"}", 200));
	char sql[600];
	snprintf(
	    sql, sizeof(sql),
	    "SELECT count(*) FROM outbound_messages WHERE tenant_id = $1 AND endpoint_id = '%s' "
	    "AND ((type = 'reward.redeemed' AND body::jsonb->'data'->>'status' = 'issued') OR "
	    "(type = 'coupon.used' AND body::jsonb->'data'->>'order_id' = 'eve-1')) AND "
	    "body::jsonb->'data'->>'code' = '%s' AND body::jsonb->'data'->>'customer_id' = 'eve'",
	    endpoint, code);
	assert_int_equal(rows(sql), 2);
	/* coupon.expiring: once, from the daily evaluation, for a coupon expiring within the
	 * tenant's expiring_days (7 by default), not for one expiring later */
	char soon[37], later[37], soon_code[80];
	reward("{\"name\":\"Soon\",\"points_cost\":10,\"kind\":\"custom\",\"coupon_valid_days\":3}",
	       soon);
	reward(
	    "{\"name\":\"Later\",\"points_cost\":10,\"kind\":\"custom\",\"coupon_valid_days\":30}",
	    later);
	snprintf(path, sizeof(path), "/v1/event-endpoints/%s", endpoint);
	json_decref(ok_json("PATCH", path, "{\"event_types\":[\"coupon.expiring\"]}", 200));
	j = redeem("eve", soon, 201);
	snprintf(soon_code, sizeof(soon_code), "%s", str(json_object_get(j, "coupon"), "code"));
	json_decref(j);
	json_decref(redeem("eve", later, 201));
	assert_int_equal(rows("SELECT expiring FROM outbound_daily_run($1, true)"), 1);
	assert_int_equal(rows("SELECT expiring FROM outbound_daily_run($1, true)"), 0);
	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM outbound_messages WHERE tenant_id = $1 AND type = "
	         "'coupon.expiring' AND body::jsonb->'data'->>'code' = '%s' AND "
	         "body::jsonb->'data'->>'status' = 'issued'",
	         soon_code);
	assert_int_equal(rows(sql), 1);
	struct response r;
	assert_int_equal(call_as(fx.srv.port, fx.key, "DELETE", path, NULL, NULL, &r), 0);
	response_free(&r);
}

/* Waits (up to 15 s) until sql counts want; returns the last count. */
static long wait_for(const char *sql, long want)
{
	long got = -1;
	for (int i = 0; i < 150 && (got = rows(sql)) != want; i++)
		usleep(100000);
	return got;
}

static void an_unused_coupon_expires_and_gives_points_back_if_the_reward_says(void **state)
{
	char back[37], kept[37], path[160], sql[400], code_back[80];
	(void)state;
	customer_with("exp", 500);
	reward("{\"name\":\"Comes back\",\"points_cost\":100,\"kind\":\"custom\","
	       "\"coupon_valid_days\":1,\"refund_on_expiry\":true,\"per_customer_limit\":1}",
	       back);
	reward("{\"name\":\"Stays spent\",\"points_cost\":100,\"kind\":\"custom\","
	       "\"coupon_valid_days\":1}",
	       kept);
	json_t *j = redeem("exp", back, 201);
	snprintf(code_back, sizeof(code_back), "%s", str(json_object_get(j, "coupon"), "code"));
	json_decref(j);
	json_decref(redeem("exp", kept, 201));
	assert_int_equal(balance("exp"), 300);
	json_t *report = ok_json("GET", "/v1/reports/points", NULL, 200);
	long redeemed = (long)json_int(json_object_get(report, "lifetime"), "redeemed");
	json_decref(report);
	/* a day later (moved back by SQL), the expiry task writes both off */
	assert_int_equal(
	    rows("WITH u AS (UPDATE coupons k SET issued_at = issued_at - interval "
	         "'1 day 1 second', expires_at = expires_at - interval '1 day 1 second' "
	         "FROM customers c WHERE c.tenant_id = k.tenant_id AND c.id = "
	         "k.customer_id AND c.external_id = 'exp' AND k.tenant_id = $1 "
	         "RETURNING 1) SELECT count(*) FROM u"),
	    2);
	assert_int_equal(
	    wait_for("SELECT count(*) FROM coupons k JOIN customers c ON c.tenant_id = "
	             "k.tenant_id AND c.id = k.customer_id WHERE k.tenant_id = $1 AND "
	             "c.external_id = 'exp' AND k.status = 'expired' AND "
	             "k.expired_at = k.expires_at",
	             2),
	    2);
	/* one reward's points came back as a 'return' lot, the other's did not */
	assert_int_equal(balance("exp"), 400);
	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM points_ledger l JOIN coupons k ON k.tenant_id = l.tenant_id "
	         "AND k.refund_entry_id = l.id WHERE l.tenant_id = $1 AND l.kind = 'return' AND "
	         "l.points = 100 AND l.reference = 'coupon:%s' AND l.expires_at > now() + "
	         "interval '364 days'",
	         code_back);
	assert_int_equal(rows(sql), 1);
	snprintf(path, sizeof(path), "/v1/coupons/%s", code_back);
	j = ok_json("GET", path, NULL, 200);
	assert_string_equal(str(j, "status"), "expired");
	assert_true(json_is_true(json_object_get(j, "points_returned")));
	json_decref(j);
	/* redeemed is net of what came back; a coupon whose points came back does not count
	 * towards the per-customer limit */
	report = ok_json("GET", "/v1/reports/points", NULL, 200);
	assert_int_equal(json_int(json_object_get(report, "lifetime"), "redeemed"), redeemed - 100);
	json_decref(report);
	j = ok_json("GET", "/v1/customers/exp/points", NULL, 200);
	assert_int_equal(json_int(j, "lifetime_redeemed"), 100);
	json_decref(j);
	json_decref(redeem("exp", back, 201));
	json_decref(redeem("exp", back, 409));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(every_kind_is_kept_as_sent, ledger_invariant),
	    cmocka_unit_test_teardown(bad_rewards_answer_422_naming_the_field, ledger_invariant),
	    cmocka_unit_test_teardown(a_redemption_spends_points_and_issues_a_coupon,
	                              ledger_invariant),
	    cmocka_unit_test_teardown(each_refusal_is_a_409_and_changes_nothing, ledger_invariant),
	    cmocka_unit_test_teardown(concurrent_redemptions_never_oversell_nor_overspend,
	                              ledger_invariant),
	    cmocka_unit_test_teardown(an_idempotent_redemption_issues_one_coupon, ledger_invariant),
	    cmocka_unit_test_teardown(a_coupon_is_used_once_at_checkout, ledger_invariant),
	    cmocka_unit_test_teardown(pools_of_codes_drawn_and_imported, ledger_invariant),
	    cmocka_unit_test_teardown(patch_and_delete, ledger_invariant),
	    cmocka_unit_test_teardown(redemptions_and_uses_are_outbound_events, ledger_invariant),
	    cmocka_unit_test_teardown(
	        an_unused_coupon_expires_and_gives_points_back_if_the_reward_says,
	        ledger_invariant),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
