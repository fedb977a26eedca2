/* test_points_report.c - GET /v1/reports/points against the real server and database,
 * with figures computed by hand: outstanding points and their cash value, expiring within
 * 30/60/90 days, lifetime totals and breakage, lapsed points counted as expired before the
 * task writes them off, customers per tier (refunds lowering it), months in the report's
 * time zone, a tenant without a programme, and bad parameters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static struct fixture fx;

static json_t *ok_json(const char *method, const char *path, const char *body, int status)
{
	return api_json(fx.srv.port, fx.key, method, path, body, status);
}

static void order(const char *customer, double days_ago, const char *amount, const char *id)
{
	char t[32], body[512];
	snprintf(body, sizeof(body),
	         "{\"customer_id\":\"%s\",\"type\":\"order\",\"occurred_at\":\"%s\",\"amount\":%s,"
	         "\"currency\":\"EUR\",\"order_id\":\"%s\"}",
	         customer, time_ago(days_ago, t), amount, id);
	json_decref(ok_json("POST", "/v1/events", body, 200));
}

/* Runs sql (with $1 = this tenant) that updates exactly one ledger row. */
static void update_one(const char *sql)
{
	char wrapped[1024];
	snprintf(wrapped, sizeof(wrapped), "WITH u AS (%s RETURNING 1) SELECT count(*) FROM u",
	         sql);
	assert_int_equal(db_long(wrapped, fx.tenant), 1);
}

static int setup(void **state)
{
	char t[32], body[512];
	fixture_setup(state, &fx, NULL, "Liability shop");
	json_decref(ok_json("PUT", "/v1/program",
	                    "{\"currency\":\"EUR\",\"points_per_unit\":1,\"tiers\":[{\"name\":"
	                    "\"bronze\",\"threshold\":0},{\"name\":\"silver\",\"threshold\":100},"
	                    "{\"name\":\"gold\",\"threshold\":1000}],\"expiry_days\":365,"
	                    "\"min_redeem\":1,\"point_value\":\"0.01\"}",
	                    200));
	/* a: 300 earned, 100 redeemed → 200 */
	order("a", 10, "300", "A-1");
	json_decref(ok_json("POST", "/v1/customers/a/points/redeem", "{\"points\":100}", 201));
	/* b: 50 that lapse in 20 days */
	json_decref(ok_json("PUT", "/v1/customers/b", "{}", 201));
	json_decref(ok_json("POST", "/v1/customers/b/points/earn", "{\"points\":50}", 201));
	update_one("UPDATE points_ledger l SET expires_at = now() + interval '20 days' FROM "
	           "customers c WHERE c.id = l.customer_id AND c.external_id = 'b' AND "
	           "l.tenant_id = $1");
	/* c: an order of 400 days ago, lapsed at once and written off */
	order("c", 400, "80", "C-1");
	/* d: 40 that lapsed an hour ago and are not written off yet */
	order("d", 2, "40", "D-1");
	update_one("UPDATE points_ledger l SET expires_at = now() - interval '1 hour' FROM "
	           "customers c WHERE c.id = l.customer_id AND c.external_id = 'd' AND "
	           "l.tenant_id = $1");
	/* e: a customer without points */
	json_decref(ok_json("PUT", "/v1/customers/e", "{}", 201));
	/* f: 1000 earned (gold), half refunded → 500 and silver */
	order("f", 1, "1000", "F-1");
	snprintf(body, sizeof(body),
	         "{\"customer_id\":\"f\",\"type\":\"refund\",\"occurred_at\":\"%s\",\"amount\":500,"
	         "\"currency\":\"EUR\",\"order_id\":\"F-1\"}",
	         time_ago(0.5, t));
	json_decref(ok_json("POST", "/v1/events", body, 200));
	return 0;
}

static void liability_expiry_breakage_and_tiers(void **state)
{
	(void)state;
	json_t *j = ok_json("GET", "/v1/reports/points?tz=Europe/Zagreb", NULL, 200);
	assert_string_equal(json_string_value(json_object_get(j, "currency")), "EUR");
	assert_int_equal(json_int(j, "outstanding"), 200 + 50 + 500);
	assert_string_equal(json_string_value(json_object_get(j, "cash_value")), "7.50");
	assert_int_equal(json_int(j, "customers_with_points"), 3);
	json_t *exp = json_object_get(j, "expiring");
	assert_int_equal(json_array_size(exp), 3);
	for (size_t i = 0; i < 3; i++) {
		json_t *e = json_array_get(exp, i);
		assert_int_equal(json_int(e, "days"), 30 * (long long)(i + 1));
		assert_int_equal(json_int(e, "points"), 50);
		assert_string_equal(json_string_value(json_object_get(e, "cash_value")), "0.50");
	}
	json_t *life = json_object_get(j, "lifetime");
	assert_int_equal(json_int(life, "earned"), 300 + 50 + 80 + 40 + 1000);
	assert_int_equal(json_int(life, "redeemed"), 100);
	/* 80 written off, 40 lapsed and not yet written off */
	assert_int_equal(json_int(life, "expired"), 120);
	assert_int_equal(json_int(life, "taken_back"), 500);
	assert_int_equal(json_int(life, "shortfall"), 0);
	assert_int_equal(json_int(life, "adjusted"), 0);
	/* 120 / 1470 = 8.163 % */
	assert_float_equal(json_real_value(json_object_get(j, "breakage")), 8.16, 1e-9);
	/* a 300 and f 1000 - 500 in the window are silver; b, c (outside the window), d, e
	 * bronze; gold empty but listed */
	json_t *tiers = json_object_get(j, "tiers");
	assert_int_equal(json_array_size(tiers), 3);
	const char *names[] = {"bronze", "silver", "gold"};
	long long counts[] = {4, 2, 0};
	for (size_t i = 0; i < 3; i++) {
		json_t *t = json_array_get(tiers, i);
		assert_string_equal(json_string_value(json_object_get(t, "name")), names[i]);
		assert_int_equal(json_int(t, "customers"), counts[i]);
	}
	/* twelve local months; the year-old order is before them */
	json_t *series = json_object_get(j, "series");
	assert_int_equal(json_array_size(series), 12);
	long long earned = 0, redeemed = 0, expired = 0, taken = 0;
	size_t i;
	json_t *m;
	json_array_foreach (series, i, m) {
		earned += json_int(m, "earned");
		redeemed += json_int(m, "redeemed");
		expired += json_int(m, "expired");
		taken += json_int(m, "taken_back");
	}
	assert_int_equal(earned, 1470 - 80);
	assert_int_equal(redeemed, 100);
	assert_int_equal(expired, 120);
	assert_int_equal(taken, 500);
	const char *first = json_string_value(json_object_get(json_array_get(series, 0), "start"));
	assert_non_null(strstr(first, "-01T00:00:00+0")); /* local midnight of the 1st */
	json_decref(j);
	/* the outstanding points are the customers' balances, as GET …/points reads them */
	const char *who[] = {"a", "b", "c", "d", "e", "f"};
	long long sum = 0;
	for (i = 0; i < 6; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/v1/customers/%s/points", who[i]);
		j = ok_json("GET", path, NULL, 200);
		sum += json_int(j, "balance");
		json_decref(j);
	}
	assert_int_equal(sum, 750);
}

static void months_follow_the_time_zone(void **state)
{
	(void)state;
	/* 23:30 UTC on 31 January is 00:30 on 1 February in Zagreb */
	json_decref(ok_json("PUT", "/v1/customers/g", "{}", 201));
	json_decref(ok_json("POST", "/v1/customers/g/points/earn", "{\"points\":7}", 201));
	update_one("UPDATE points_ledger l SET created_at = '2026-01-31T23:30:00Z' FROM customers "
	           "c WHERE c.id = l.customer_id AND c.external_id = 'g' AND l.tenant_id = $1");
	json_t *j = ok_json(
	    "GET", "/v1/reports/points?from=2026-01-01&to=2026-03-01&tz=Europe/Zagreb", NULL, 200);
	json_t *s = json_object_get(j, "series");
	assert_int_equal(json_array_size(s), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(s, 0), "start")),
	                    "2026-01-01T00:00:00+01:00");
	assert_string_equal(json_string_value(json_object_get(json_array_get(s, 1), "end")),
	                    "2026-03-01T00:00:00+01:00");
	assert_int_equal(json_int(json_array_get(s, 0), "earned"), 0);
	assert_int_equal(json_int(json_array_get(s, 1), "earned"), 7);
	json_decref(j);
	j = ok_json("GET", "/v1/reports/points?from=2026-01-01&to=2026-03-01", NULL, 200);
	s = json_object_get(j, "series");
	assert_int_equal(json_int(json_array_get(s, 0), "earned"), 7);
	assert_int_equal(json_int(json_array_get(s, 1), "earned"), 0);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(j, "definition"), "tz")), "UTC");
	json_decref(j);
}

static void no_programme_no_points(void **state)
{
	char other_tenant[37], other_key[64];
	(void)state;
	create_tenant(fx.srv.port, "Empty shop", other_tenant, other_key);
	json_t *j = api_json(fx.srv.port, other_key, "GET", "/v1/reports/points", NULL, 200);
	assert_true(json_is_null(json_object_get(j, "currency")));
	assert_true(json_is_null(json_object_get(j, "cash_value")));
	assert_true(json_is_null(json_object_get(j, "breakage")));
	assert_int_equal(json_int(j, "outstanding"), 0);
	assert_int_equal(json_int(j, "customers_with_points"), 0);
	assert_int_equal(json_array_size(json_object_get(j, "tiers")), 0);
	assert_int_equal(json_array_size(json_object_get(j, "series")), 12);
	json_decref(j);
}

static void bad_parameters(void **state)
{
	(void)state;
	struct {
		const char *query, *name;
	} cases[] = {
	    {"from=2026-03-01&to=2026-01-01", "from"},
	    {"from=yesterday", "from"},
	    {"to=2101-01-01", "to"},
	    {"tz=Mars/Olympus", "tz"},
	    {"tz=../etc", "tz"},
	    {"from=1900-01-01", "from"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[128];
		snprintf(path, sizeof(path), "/v1/reports/points?%s", cases[i].query);
		json_t *j = ok_json("GET", path, NULL, 400);
		const char *detail = json_string_value(json_object_get(j, "detail"));
		if (!detail || strncmp(detail, cases[i].name, strlen(cases[i].name)) != 0)
			fail_msg("%s: %s", cases[i].query, detail ? detail : "(no detail)");
		json_decref(j);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(liability_expiry_breakage_and_tiers, ledger_invariant),
	    cmocka_unit_test_teardown(months_follow_the_time_zone, ledger_invariant),
	    cmocka_unit_test(no_programme_no_points),
	    cmocka_unit_test(bad_parameters),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
