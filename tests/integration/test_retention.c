/* test_retention.c - GET /v1/reports/retention against the real server and database: the
 * seed 003 example reproduced from events (S 1000, new 200, lost 100, E 1100 → CRR 90 %,
 * churn 10 %), a monthly series with a reactivated customer worked out by hand, the same
 * series in Europe/Zagreb where an order of 31 January 23:30 UTC falls in February, an
 * empty range and bad parameters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static struct fixture fx; /* the monthly tenant */
static char seed_tenant[37], seed_key[64];

static char *append(char *buf, size_t *len, size_t *cap, const char *customer, const char *at)
{
	char item[256];
	int n = snprintf(item, sizeof(item),
	                 "%s{\"customer_id\":\"%s\",\"type\":\"order\",\"occurred_at\":\"%s\","
	                 "\"amount\":\"10.00\",\"currency\":\"EUR\",\"order_id\":\"%s-%s\"}",
	                 *len > 11 ? "," : "", customer, at, customer, at);
	if (*len + (size_t)n + 3 > *cap) {
		*cap = (*cap + (size_t)n) * 2;
		buf = realloc(buf, *cap);
	}
	memcpy(buf + *len, item, (size_t)n + 1);
	*len += (size_t)n;
	return buf;
}

static int setup(void **state)
{
	size_t cap = 1024, len;
	char *body = malloc(cap), who[16];
	fixture_setup(state, &fx, NULL, NULL);
	/* the seed: 900 customers active at both ends, 100 who lapse, 200 new */
	create_tenant(fx.srv.port, "Seed 003 shop", seed_tenant, seed_key);
	len = (size_t)snprintf(body, cap, "{\"events\":[");
	for (int i = 0; i < 1200; i++) {
		snprintf(who, sizeof(who), "s%d", i);
		body = append(body, &len, &cap, who,
		              i < 900    ? "2025-12-01T12:00:00Z"
		              : i < 1000 ? "2025-06-01T12:00:00Z"
		                         : "2026-03-01T12:00:00Z");
	}
	memcpy(body + len, "]}", 3);
	json_decref(api_json(fx.srv.port, seed_key, "POST", "/v1/events", body, 200));
	/* the months: x orders every month, y lapses, z is new in February, w comes back in
	 * February after a year away, v orders once at 23:30 UTC on 31 January */
	create_tenant(fx.srv.port, "Monthly shop", fx.tenant, fx.key);
	static const char *const orders[][2] = {
	    {"x", "2025-12-20T12:00:00Z"}, {"x", "2026-01-20T12:00:00Z"},
	    {"x", "2026-02-20T12:00:00Z"}, {"y", "2025-12-25T12:00:00Z"},
	    {"z", "2026-02-10T12:00:00Z"}, {"w", "2025-06-01T12:00:00Z"},
	    {"w", "2026-02-25T12:00:00Z"}, {"v", "2026-01-31T23:30:00Z"},
	};
	len = (size_t)snprintf(body, cap, "{\"events\":[");
	for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++)
		body = append(body, &len, &cap, orders[i][0], orders[i][1]);
	memcpy(body + len, "]}", 3);
	json_decref(api_json(fx.srv.port, fx.key, "POST", "/v1/events", body, 200));
	free(body);
	/* x a promoter, y a detractor, z a passive; w and v never answered */
	create_nps_answers(fx.srv.port, fx.key, 3, (const char *const[]){"x", "y", "z"},
	                   (const int[]){10, 3, 8});
	return 0;
}

/* start end new reactivated retained lost */
static void expect(json_t *o, const long f[6])
{
	static const char *const names[] = {"start",       "end",      "new",
	                                    "reactivated", "retained", "lost"};
	for (int i = 0; i < 6; i++)
		if (json_int(o, names[i]) != f[i])
			fail_msg("%s: %lld, not %ld", names[i], json_int(o, names[i]), f[i]);
}

static void the_seed_example(void **state)
{
	(void)state;
	json_t *j = api_json(fx.srv.port, seed_key, "GET",
	                     "/v1/reports/retention?from=2026-01-01&to=2026-07-01", NULL, 200);
	static const long f[6] = {1000, 1100, 200, 0, 900, 100};
	expect(j, f);
	assert_float_equal(json_real_value(json_object_get(j, "retention_rate")), 90, 1e-9);
	assert_float_equal(json_real_value(json_object_get(j, "churn_rate")), 10, 1e-9);
	json_t *d = json_object_get(j, "definition");
	assert_int_equal(json_int(d, "window_days"), 365);
	assert_string_equal(json_string_value(json_object_get(d, "from")),
	                    "2026-01-01T00:00:00+00:00");
	assert_null(json_object_get(j, "series"));
	json_decref(j);
}

static void monthly_series_in_utc(void **state)
{
	(void)state;
	json_t *j = api_json(
	    fx.srv.port, fx.key, "GET",
	    "/v1/reports/retention?from=2026-01-01&to=2026-03-01&window_days=30&interval=month",
	    NULL, 200);
	/* active at 1 Jan {x, y}, at 1 Feb {x, v}, at 1 Mar {x, z, w, v} */
	static const long whole[6] = {2, 4, 2, 1, 1, 1};
	expect(j, whole);
	json_t *s = json_object_get(j, "series");
	assert_int_equal(json_array_size(s), 2);
	static const long jan[6] = {2, 2, 1, 0, 1, 1}, feb[6] = {2, 4, 1, 1, 2, 0};
	expect(json_array_get(s, 0), jan);
	expect(json_array_get(s, 1), feb);
	assert_float_equal(json_real_value(json_object_get(json_array_get(s, 0), "churn_rate")), 50,
	                   1e-9);
	assert_float_equal(json_real_value(json_object_get(json_array_get(s, 1), "retention_rate")),
	                   100, 1e-9);
	assert_string_equal(json_string_value(json_object_get(json_array_get(s, 1), "from")),
	                    "2026-02-01T00:00:00+00:00");
	json_decref(j);
}

static void monthly_series_in_zagreb(void **state)
{
	(void)state;
	json_t *j = api_json(fx.srv.port, fx.key, "GET",
	                     "/v1/reports/retention?from=2026-01-01&to=2026-03-01&window_days=30&"
	                     "interval=month&tz=Europe/Zagreb",
	                     NULL, 200);
	/* v's order is 00:30 on 1 February here: not active at 1 Feb, new in February */
	static const long jan[6] = {2, 1, 0, 0, 1, 1}, feb[6] = {1, 4, 2, 1, 1, 0};
	json_t *s = json_object_get(j, "series");
	expect(json_array_get(s, 0), jan);
	expect(json_array_get(s, 1), feb);
	assert_string_equal(json_string_value(json_object_get(json_array_get(s, 1), "from")),
	                    "2026-02-01T00:00:00+01:00");
	json_decref(j);
}

static void by_nps_category(void **state)
{
	(void)state;
	json_t *j = api_json(fx.srv.port, fx.key, "GET",
	                     "/v1/reports/retention?from=2026-01-01&to=2026-03-01&window_days=30&"
	                     "by=nps_category",
	                     NULL, 200);
	static const long whole[6] = {2, 4, 2, 1, 1, 1};
	expect(j, whole);
	json_t *g = json_object_get(j, "groups");
	assert_int_equal(json_array_size(g), 4);
	static const char *const names[] = {"promoter", "passive", "detractor", "none"};
	static const long f[4][6] = {
	    {1, 1, 0, 0, 1, 0}, /* x stayed */
	    {0, 1, 1, 0, 0, 0}, /* z is new */
	    {1, 0, 0, 0, 0, 1}, /* y left */
	    {0, 2, 1, 1, 0, 0}, /* v new, w back */
	};
	for (size_t i = 0; i < 4; i++) {
		json_t *x = json_array_get(g, i);
		assert_string_equal(json_string_value(json_object_get(x, "group")), names[i]);
		expect(x, f[i]);
	}
	assert_float_equal(json_real_value(json_object_get(json_array_get(g, 0), "retention_rate")),
	                   100, 1e-9);
	assert_float_equal(json_real_value(json_object_get(json_array_get(g, 2), "churn_rate")),
	                   100, 1e-9);
	assert_true(json_is_null(json_object_get(json_array_get(g, 1), "retention_rate")));
	assert_null(json_object_get(j, "series"));
	json_decref(j);
	j = api_json(fx.srv.port, fx.key, "GET", "/v1/reports/retention?by=tier", NULL, 400);
	assert_string_equal(json_string_value(json_object_get(j, "detail")),
	                    "by: must be nps_category");
	json_decref(j);
}

static void nobody_at_the_start_and_bad_parameters(void **state)
{
	(void)state;
	/* before any order: S = 0, rates null */
	json_t *j = api_json(fx.srv.port, fx.key, "GET",
	                     "/v1/reports/retention?from=2020-01-01&to=2020-02-01", NULL, 200);
	static const long none[6] = {0, 0, 0, 0, 0, 0};
	expect(j, none);
	assert_true(json_is_null(json_object_get(j, "retention_rate")));
	assert_true(json_is_null(json_object_get(j, "churn_rate")));
	json_decref(j);
	static const char *const bad[][2] = {
	    {"from=2026-03-01&to=2026-01-01", "from: must be before to"},
	    {"window_days=0", "window_days: must be a whole number of days from 1 to 3650"},
	    {"window_days=3651", "window_days: must be a whole number of days from 1 to 3650"},
	    {"window_days=7d", "window_days: must be a whole number of days from 1 to 3650"},
	    {"interval=week", "interval: must be month"},
	    {"from=1970-01-01&to=2100-01-01&interval=month",
	     "interval: gives more than 1000 months for this range"},

	    {"tz=Mars/Base", "tz: is not a time zone PostgreSQL knows"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[128];
		snprintf(path, sizeof(path), "/v1/reports/retention?%s", bad[i][0]);
		j = api_json(fx.srv.port, fx.key, "GET", path, NULL, 400);
		assert_string_equal(json_string_value(json_object_get(j, "detail")), bad[i][1]);
		json_decref(j);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_seed_example),
	    cmocka_unit_test(monthly_series_in_utc),
	    cmocka_unit_test(monthly_series_in_zagreb),
	    cmocka_unit_test(by_nps_category),
	    cmocka_unit_test(nobody_at_the_start_and_bad_parameters),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
