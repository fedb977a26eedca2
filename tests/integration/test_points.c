/* test_points.c - the points ledger against the real server and database: earn, redeem
 * and adjust with exact balances, oldest lots first, lapsed points never counted (even
 * before they are written off), 50 concurrent redeems never overspending, tiers, the next
 * expiry, cash value, Idempotency-Key, every validation rule, scopes, tenants, erasure. */
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

static int setup(void **state)
{
	fixture_setup(state, &fx, NULL, "Points shop");
	json_decref(
	    ok_json("PUT", "/v1/program",
	            "{\"currency\":\"EUR\",\"points_per_unit\":1,\"tiers\":[{\"name\":\"bronze\","
	            "\"threshold\":0},{\"name\":\"silver\",\"threshold\":1000,\"multiplier\":"
	            "1.25},{\"name\":\"gold\",\"threshold\":5000,\"multiplier\":1.5}],"
	            "\"expiry_days\":365,\"min_redeem\":100,\"point_value\":\"0.0125\"}",
	            200));
	const char *customers[] = {"anna", "fifo", "race", "tiers", NULL};
	for (int i = 0; customers[i]; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/v1/customers/%s", customers[i]);
		json_decref(ok_json("PUT", path, "{}", 201));
	}
	return 0;
}

static void earn_redeem_adjust_with_exact_balances(void **state)
{
	(void)state;
	json_t *j = ok_json("POST", "/v1/customers/anna/points/earn",
	                    "{\"points\":600,\"reason\":\"welcome\",\"reference\":\"w-1\"}", 201);
	assert_int_equal(json_int(j, "balance"), 600);
	assert_int_equal(json_int(j, "points"), 600);
	assert_string_equal(json_string_value(json_object_get(j, "kind")), "earn");
	assert_true(json_is_string(json_object_get(j, "expires_at"))); /* expiry_days 365 */
	json_decref(j);
	j = ok_json("POST", "/v1/customers/anna/points/redeem", "{\"points\":250}", 201);
	assert_int_equal(json_int(j, "balance"), 350);
	assert_int_equal(json_int(j, "points"), -250);
	json_decref(j);
	j = ok_json("POST", "/v1/customers/anna/points/adjust",
	            "{\"points\":-50,\"reason\":\"goodwill correction\"}", 201);
	assert_int_equal(json_int(j, "balance"), 300);
	json_decref(j);
	/* under min_redeem, and over the balance: 409 with the available balance */
	j = ok_json("POST", "/v1/customers/anna/points/redeem", "{\"points\":99}", 409);
	assert_string_equal(json_string_value(json_object_get(j, "type")),
	                    "urn:loyaltyd:problem:under-min-redeem");
	assert_int_equal(json_int(j, "available"), 300);
	assert_int_equal(json_int(j, "min_redeem"), 100);
	json_decref(j);
	j = ok_json("POST", "/v1/customers/anna/points/redeem", "{\"points\":301}", 409);
	assert_string_equal(json_string_value(json_object_get(j, "type")),
	                    "urn:loyaltyd:problem:insufficient-points");
	assert_int_equal(json_int(j, "available"), 300);
	json_decref(j);
	j = ok_json("POST", "/v1/customers/anna/points/adjust",
	            "{\"points\":-301,\"reason\":\"x\"}", 409);
	json_decref(j);
	j = ok_json("GET", "/v1/customers/anna/points", NULL, 200);
	assert_int_equal(json_int(j, "balance"), 300);
	assert_int_equal(json_int(j, "lifetime_earned"), 600);
	assert_int_equal(json_int(j, "lifetime_redeemed"), 250);
	assert_string_equal(json_string_value(json_object_get(j, "tier")), "bronze");
	assert_string_equal(json_string_value(json_object_get(j, "next_tier")), "silver");
	assert_int_equal(json_int(j, "points_to_next_tier"), 400);
	/* 300 × 0.0125 = 3.75 */
	assert_string_equal(json_string_value(json_object_get(j, "cash_value")), "3.75");
	assert_int_equal(json_int(json_object_get(j, "expiring"), "points"), 300);
	json_decref(j);
	j = ok_json("GET", "/v1/customers/anna/points/history?limit=2", NULL, 200);
	json_t *first = json_array_get(json_object_get(j, "data"), 0);
	assert_string_equal(json_string_value(json_object_get(first, "kind")), "adjust");
	assert_true(json_is_string(json_object_get(j, "next_cursor")));
	json_decref(j);
	assert_int_equal(
	    db_long("SELECT count(*) FROM points_ledger WHERE tenant_id = $1", fx.tenant), 3);
}

static void oldest_lots_first_and_lapsed_points_never_count(void **state)
{
	(void)state;
	/* history written directly: lot A 100 lapsed yesterday, of which 50 were redeemed
	 * before; lot B 200 lapsing in 10 days; lot C 300 never lapsing */
	assert_int_equal(
	    db_long(
	        "WITH c AS (SELECT id FROM customers WHERE tenant_id = $1 AND external_id = "
	        "'fifo'), "
	        "ins AS (INSERT INTO points_ledger (tenant_id, customer_id, kind, points, "
	        "expires_at, "
	        "created_at) SELECT $1::uuid, c.id, v.kind, v.points, v.expires_at, v.created_at "
	        "FROM c, "
	        "(VALUES ('earn', 100, now() - interval '1 day', now() - interval '400 days'), "
	        "('redeem', -50, NULL::timestamptz, now() - interval '200 days'), "
	        "('earn', 200, now() + interval '10 days', now() - interval '355 days'), "
	        "('earn', 300, NULL, now() - interval '5 days')) AS v(kind, points, expires_at, "
	        "created_at) RETURNING 1) SELECT count(*) FROM ins",
	        fx.tenant),
	    4);
	json_t *j = ok_json("GET", "/v1/customers/fifo/points", NULL, 200);
	/* A's last 50 lapsed: not counted although no expire entry exists yet */
	assert_int_equal(json_int(j, "balance"), 500);
	assert_int_equal(json_int(json_object_get(j, "expiring"), "points"), 200);
	json_decref(j);
	j = ok_json("POST", "/v1/customers/fifo/points/redeem", "{\"points\":450}", 201);
	assert_int_equal(json_int(j, "balance"), 50);
	json_decref(j);
	/* the lapsed 50 were written off before the redeem */
	assert_int_equal(
	    db_long("SELECT -sum(points) FROM points_ledger l JOIN customers c ON c.tenant_id "
	            "= l.tenant_id AND c.id = l.customer_id WHERE l.tenant_id = $1 AND "
	            "c.external_id = 'fifo' AND l.kind = 'expire'",
	            fx.tenant),
	    50);
	/* B (200) went first, then 250 of C: what is left never lapses */
	j = ok_json("GET", "/v1/customers/fifo/points", NULL, 200);
	assert_int_equal(json_int(j, "balance"), 50);
	assert_true(json_is_null(json_object_get(j, "expiring")));
	json_decref(j);
}

struct racer {
	int status;
};

static void *redeem_100(void *arg)
{
	struct racer *r = arg;
	struct response resp;
	r->status = -1;
	if (call_as(fx.srv.port, fx.key, "POST", "/v1/customers/race/points/redeem",
	            "{\"points\":100}", NULL, &resp) == 0) {
		r->status = resp.status;
		response_free(&resp);
	}
	return NULL;
}

static void concurrent_redeems_never_overspend(void **state)
{
	pthread_t t[50];
	struct racer r[50];
	(void)state;
	json_decref(ok_json("POST", "/v1/customers/race/points/earn", "{\"points\":1000}", 201));
	/* 50 at once against a balance that covers exactly 10 */
	for (int i = 0; i < 50; i++)
		pthread_create(&t[i], NULL, redeem_100, &r[i]);
	int ok = 0, refused = 0;
	for (int i = 0; i < 50; i++) {
		pthread_join(t[i], NULL);
		ok += r[i].status == 201;
		refused += r[i].status == 409;
	}
	assert_int_equal(ok, 10);
	assert_int_equal(refused, 40);
	json_t *j = ok_json("GET", "/v1/customers/race/points", NULL, 200);
	assert_int_equal(json_int(j, "balance"), 0);
	json_decref(j);
}

static void tiers_follow_points_earned_in_the_window(void **state)
{
	(void)state;
	json_decref(ok_json("POST", "/v1/customers/tiers/points/earn", "{\"points\":5200}", 201));
	json_decref(ok_json("POST", "/v1/customers/tiers/points/redeem", "{\"points\":5000}", 201));
	/* redeeming does not lower the tier: it follows points earned */
	json_t *j = ok_json("GET", "/v1/customers/tiers/points", NULL, 200);
	assert_string_equal(json_string_value(json_object_get(j, "tier")), "gold");
	assert_true(json_is_null(json_object_get(j, "next_tier")));
	assert_true(json_is_null(json_object_get(j, "points_to_next_tier")));
	json_decref(j);
	/* earnings older than tier_window_days (365) do not count */
	assert_int_equal(
	    db_long("WITH u AS (UPDATE points_ledger l SET created_at = now() - interval "
	            "'400 days' FROM customers c WHERE c.tenant_id = l.tenant_id AND c.id = "
	            "l.customer_id AND c.external_id = 'tiers' AND l.kind = 'earn' AND "
	            "l.tenant_id = $1 RETURNING 1) SELECT count(*) FROM u",
	            fx.tenant),
	    1);
	j = ok_json("GET", "/v1/customers/tiers/points", NULL, 200);
	assert_string_equal(json_string_value(json_object_get(j, "tier")), "bronze");
	assert_int_equal(json_int(j, "points_to_next_tier"), 1000);
	json_decref(j);
}

static void membership_grants_a_tier_until_a_date(void **state)
{
	struct response r;
	(void)state;
	/* "tiers" is bronze by points now (its earnings left the window) */
	json_decref(ok_json(
	    "POST", "/v1/events",
	    "{\"events\":[{\"customer_id\":\"tiers\",\"type\":\"membership_purchased\","
	    "\"occurred_at\":\"2026-01-01T00:00:00Z\",\"properties\":{\"tier\":\"silver\","
	    "\"until\":\"2020-01-01T00:00:00Z\"}},{\"customer_id\":\"tiers\",\"type\":"
	    "\"membership_purchased\",\"occurred_at\":\"2026-01-02T00:00:00Z\",\"properties\":"
	    "{\"tier\":\"gold\",\"until\":\"2099-01-01T00:00:00Z\"}}]}",
	    200));
	json_t *j = ok_json("GET", "/v1/customers/tiers/points", NULL, 200);
	/* the running gold membership counts, the lapsed silver one does not */
	assert_string_equal(json_string_value(json_object_get(j, "tier")), "gold");
	assert_true(json_is_null(json_object_get(j, "next_tier")));
	json_decref(j);
	/* the properties are required and checked at ingest */
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "POST", "/v1/events",
	            "{\"customer_id\":\"tiers\",\"type\":\"membership_purchased\","
	            "\"occurred_at\":\"2026-01-01T00:00:00Z\",\"properties\":{\"tier\":"
	            "\"gold\",\"until\":\"next year\"}}",
	            NULL, &r),
	    0);
	if (!response_single_error(&r, 422, "/properties/until",
	                           "must be an RFC 3339 time from 1970 to 2100"))
		fail_msg("%d %s", r.status, r.body);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/events",
	                         "{\"customer_id\":\"tiers\",\"type\":\"membership_purchased\","
	                         "\"occurred_at\":\"2026-01-01T00:00:00Z\"}",
	                         NULL, &r),
	                 0);
	assert_int_equal(r.status, 422);
	assert_true(response_json_equal(
	    &r,
	    "{\"type\":\"urn:loyaltyd:problem:validation\",\"title\":\"Unprocessable "
	    "Content\",\"status\":422,\"detail\":\"/properties: is required for "
	    "membership_purchased: {\\\"tier\\\": …, \\\"until\\\": "
	    "…}\",\"errors\":[{\"pointer\":\"/properties\",\"message\":\"is required for "
	    "membership_purchased: {\\\"tier\\\": …, \\\"until\\\": …}\"}]}",
	    NULL));
	response_free(&r);
	/* a tier the programme lacks would grant nothing: the whole batch is refused, naming
	 * the event, and nothing of it is stored */
	long before = db_long("SELECT count(*) FROM events WHERE tenant_id = $1", fx.tenant);
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "POST", "/v1/events",
	            "{\"events\":[{\"customer_id\":\"tiers\",\"type\":\"visit\","
	            "\"occurred_at\":\"2026-01-03T00:00:00Z\"},{\"customer_id\":\"tiers\","
	            "\"type\":\"membership_purchased\",\"occurred_at\":\"2026-01-03T00:00:"
	            "00Z\",\"properties\":{\"tier\":\"platinum\",\"until\":\"2099-01-01T00:"
	            "00:00Z\"}}]}",
	            NULL, &r),
	    0);
	if (!response_single_error(&r, 422, "/events/1/properties/tier",
	                           "is not a tier of the programme in force"))
		fail_msg("%d %s", r.status, r.body);
	response_free(&r);
	assert_int_equal(db_long("SELECT count(*) FROM events WHERE tenant_id = $1", fx.tenant),
	                 before);
}

static void idempotent_earn_is_stored_once(void **state)
{
	struct response r;
	char *first = NULL;
	(void)state;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(call_as(fx.srv.port, fx.key, "POST",
		                         "/v1/customers/anna/points/earn",
		                         "{\"points\":10,\"reason\":\"survey bonus\"}",
		                         (const char *[]){"Idempotency-Key: bonus-7", NULL}, &r),
		                 0);
		assert_int_equal(r.status, 201);
		assert_true((response_header(&r, "Idempotent-Replayed") != NULL) == (i == 1));
		/* the replay is the first answer, byte for byte */
		if (i == 0)
			first = strdup(r.body);
		else
			assert_string_equal(r.body, first);
		response_free(&r);
	}
	free(first);
	/* the same key with another body is refused and changes nothing */
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/customers/anna/points/earn",
	                         "{\"points\":11,\"reason\":\"survey bonus\"}",
	                         (const char *[]){"Idempotency-Key: bonus-7", NULL}, &r),
	                 0);
	assert_int_equal(r.status, 422);
	assert_true(response_json_equal(&r, PROBLEM_KEY_REUSED, NULL));
	response_free(&r);
	json_t *j = ok_json("GET", "/v1/customers/anna/points", NULL, 200);
	assert_int_equal(json_int(j, "balance"), 310);
	json_decref(j);
}

static void background_task_writes_lapsed_points_off_once(void **state)
{
	struct server a, b;
	const char *env[] = {"LOYALTYD_EXPIRY_INTERVAL_S=1", NULL};
	(void)state;
	json_decref(ok_json("PUT", "/v1/customers/lapsing", "{}", 201));
	json_decref(ok_json("POST", "/v1/customers/lapsing/points/earn", "{\"points\":70}", 201));
	json_decref(ok_json("POST", "/v1/customers/lapsing/points/earn", "{\"points\":30}", 201));
	/* the first lot lapsed an hour ago; nobody wrote to this customer since */
	assert_int_equal(
	    db_long("WITH u AS (UPDATE points_ledger l SET expires_at = now() - interval "
	            "'1 hour' FROM customers c WHERE c.tenant_id = l.tenant_id AND c.id = "
	            "l.customer_id AND c.external_id = 'lapsing' AND l.points = 70 AND "
	            "l.tenant_id = $1 RETURNING 1) SELECT count(*) FROM u",
	            fx.tenant),
	    1);
	json_t *j = ok_json("GET", "/v1/customers/lapsing/points", NULL, 200);
	assert_int_equal(json_int(j, "balance"), 30);
	json_decref(j);
	/* two processes run the task; the customer is written off exactly once */
	server_start(&a, env);
	server_start(&b, env);
	long t0 = now_ms();
	while (now_ms() - t0 < 8000 &&
	       db_long(
	           "SELECT count(*) FROM points_expiry_watermark w JOIN customers c ON c.tenant_id "
	           "= w.tenant_id AND c.id = w.customer_id WHERE c.external_id = 'lapsing' AND "
	           "w.tenant_id = $1",
	           fx.tenant) == 0)
		usleep(200000);
	usleep(1500000); /* both have run at least once more */
	assert_int_equal(server_stop(&a), 0);
	assert_int_equal(server_stop(&b), 0);
	assert_int_equal(
	    db_long("SELECT count(*) FROM points_ledger l JOIN customers c ON c.tenant_id = "
	            "l.tenant_id AND c.id = l.customer_id WHERE c.external_id = 'lapsing' "
	            "AND l.kind = 'expire' AND l.points = -70 AND l.tenant_id = $1",
	            fx.tenant),
	    1);
	j = ok_json("GET", "/v1/customers/lapsing/points", NULL, 200);
	assert_int_equal(json_int(j, "balance"), 30);
	json_decref(j);
}

static void invalid(const char *op, const char *body, const char *pointer, const char *message)
{
	struct response r;
	char path[96];
	snprintf(path, sizeof(path), "/v1/customers/anna/points/%s", op);
	long before = db_long("SELECT count(*) FROM points_ledger WHERE tenant_id = $1", fx.tenant);
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", path, body, NULL, &r), 0);
	if (!response_single_error(&r, 422, pointer, message))
		fail_msg("%s %s: %d %s", op, body, r.status, r.body);
	response_free(&r);
	assert_int_equal(
	    db_long("SELECT count(*) FROM points_ledger WHERE tenant_id = $1", fx.tenant), before);
}

static void every_rule_answers_422(void **state)
{
	(void)state;
	invalid("earn", "{}", "/points", "is required");
	invalid("earn", "{\"points\":0}", "/points", "must be a whole number from 1 to 1000000000");
	invalid("earn", "{\"points\":-5}", "/points",
	        "must be a whole number from 1 to 1000000000");
	invalid("redeem", "{\"points\":1.5}", "/points",
	        "must be a whole number from 1 to 1000000000");
	invalid("redeem", "{\"points\":1000000001}", "/points",
	        "must be a whole number from 1 to 1000000000");
	invalid("adjust", "{\"points\":0,\"reason\":\"x\"}", "/points",
	        "must be a whole number from -1000000000 to 1000000000, not 0");
	invalid("adjust", "{\"points\":5}", "/reason", "is required");
	invalid("earn", "{\"points\":5,\"reason\":\"\"}", "/reason",
	        "must be 1 to 200 characters long");
	invalid("earn", "{\"points\":5,\"bonus\":true}", "/bonus", "unknown field");
}

static void scopes_tenants_and_erasure(void **state)
{
	struct response r;
	char pk[64], pid[37], rk[64], rid[37], t2[37], k2[64];
	(void)state;
	create_key(fx.srv.port, fx.key, "[\"points\"]", pk, pid);
	create_key(fx.srv.port, fx.key, "[\"read\"]", rk, rid);
	assert_int_equal(call_as(fx.srv.port, pk, "POST", "/v1/customers/anna/points/earn",
	                         "{\"points\":1}", NULL, &r),
	                 0);
	assert_int_equal(r.status, 201);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, pk, "POST", "/v1/customers/anna/points/adjust",
	                         "{\"points\":1,\"reason\":\"x\"}", NULL, &r),
	                 0);
	assert_int_equal(r.status, 403);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, rk, "POST", "/v1/customers/anna/points/earn",
	                         "{\"points\":1}", NULL, &r),
	                 0);
	assert_int_equal(r.status, 403);
	response_free(&r);
	assert_int_equal(
	    call_as(fx.srv.port, rk, "GET", "/v1/customers/anna/points", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/customers/nobody/points/earn",
	                         "{\"points\":1}", NULL, &r),
	                 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
	create_tenant(fx.srv.port, "Points other", t2, k2);
	assert_int_equal(
	    call_as(fx.srv.port, k2, "GET", "/v1/customers/anna/points", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, k2, "POST", "/v1/customers/anna/points/earn",
	                         "{\"points\":1}", NULL, &r),
	                 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
	/* erasing the customer erases their ledger */
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "DELETE", "/v1/customers/anna", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 204);
	response_free(&r);
	assert_int_equal(
	    db_long("SELECT count(*) FROM points_ledger l WHERE l.tenant_id = $1 AND NOT "
	            "EXISTS (SELECT 1 FROM customers c WHERE c.tenant_id = l.tenant_id AND "
	            "c.id = l.customer_id)",
	            fx.tenant),
	    0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(earn_redeem_adjust_with_exact_balances, ledger_invariant),
	    cmocka_unit_test_teardown(oldest_lots_first_and_lapsed_points_never_count,
	                              ledger_invariant),
	    cmocka_unit_test_teardown(concurrent_redeems_never_overspend, ledger_invariant),
	    cmocka_unit_test_teardown(tiers_follow_points_earned_in_the_window, ledger_invariant),
	    cmocka_unit_test_teardown(membership_grants_a_tier_until_a_date, ledger_invariant),
	    cmocka_unit_test_teardown(idempotent_earn_is_stored_once, ledger_invariant),
	    cmocka_unit_test_teardown(background_task_writes_lapsed_points_off_once,
	                              ledger_invariant),
	    cmocka_unit_test_teardown(every_rule_answers_422, ledger_invariant),
	    cmocka_unit_test_teardown(scopes_tenants_and_erasure, ledger_invariant),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
