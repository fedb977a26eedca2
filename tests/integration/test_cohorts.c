/* test_cohorts.c - GET /v1/reports/cohorts against the real server and database, worked
 * out by hand: monthly cohorts in UTC and in Europe/Zagreb (an order of 31 January 23:30
 * UTC moves a customer into the February cohort; the range ends across the March DST
 * change), net revenue per cohort and period, an empty cohort, customers whose first order
 * is before the range left out, ISO weeks, and bad parameters. */
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

#define EV(c, type, at, amount)                                                                    \
	"{\"customer_id\":\"" c "\",\"type\":\"" type "\",\"occurred_at\":\"" at                   \
	"\",\"amount\":\"" amount "\",\"currency\":\"EUR\",\"order_id\":\"" c "-" at "\"}"

static int setup(void **state)
{
	fixture_setup(state, &fx, NULL, "Cohort shop");
	json_decref(api_json(
	    fx.srv.port, fx.key, "POST", "/v1/events",
	    "{\"events\":[" EV("a", "order", "2026-01-05T12:00:00Z", "10.00") "," EV("a", "order", "2026-02-05T12:00:00Z", "20.00") "," EV(
	        "a", "order", "2026-03-05T12:00:00Z",
	        "30.00") "," EV("b", "order", "2026-01-10T12:00:00Z",
	                        "10.00") "," EV("b", "order", "2026-03-10T12:00:00Z",
	                                        "10.00") "," EV("b", "refund",
	                                                        "2026-03-12T12:00:00Z",
	                                                        "5.00") "," EV("c", "order",
	                                                                       "2026-01-31T23:30:"
	                                                                       "00Z",
	                                                                       "40.00") "," EV("d",
	                                                                                       "ord"
	                                                                                       "er",
	                                                                                       "202"
	                                                                                       "6-"
	                                                                                       "02-"
	                                                                                       "15T"
	                                                                                       "12:"
	                                                                                       "00:"
	                                                                                       "00"
	                                                                                       "Z",
	                                                                                       "50."
	                                                                                       "00") "," EV("d",
	                                                                                                    "order",
	                                                                                                    "2026-02-20T12:00:00Z",
	                                                                                                    "50.00") "," EV("e",
	                                                                                                                    "order",
	                                                                                                                    "2025-12-01T12:00:00Z",
	                                                                                                                    "70.00") "," EV("e",
	                                                                                                                                    "order",
	                                                                                                                                    "2026-01-20T12:00:00Z",
	                                                                                                                                    "70.00") "]}",
	    200));
	return 0;
}

struct cell {
	long customers;
	double rate; /* -1: null */
	const char *revenue;
};

static void expect_cohort(json_t *cohort, const char *start, long size, const struct cell *cells,
                          size_t n)
{
	assert_string_equal(json_string_value(json_object_get(cohort, "cohort")), start);
	assert_int_equal(json_int(cohort, "customers"), size);
	json_t *periods = json_object_get(cohort, "periods");
	assert_int_equal(json_array_size(periods), n);
	for (size_t i = 0; i < n; i++) {
		json_t *p = json_array_get(periods, i);
		assert_int_equal(json_int(p, "period"), (long long)i);
		assert_int_equal(json_int(p, "customers"), cells[i].customers);
		if (cells[i].rate < 0)
			assert_true(json_is_null(json_object_get(p, "rate")));
		else
			assert_float_equal(json_number_value(json_object_get(p, "rate")),
			                   cells[i].rate, 1e-9);
		assert_string_equal(json_string_value(json_object_get(p, "revenue")),
		                    cells[i].revenue);
	}
}

static void monthly_in_utc(void **state)
{
	(void)state;
	json_t *j = api_json(fx.srv.port, fx.key, "GET",
	                     "/v1/reports/cohorts?from=2026-01-01&to=2026-04-01", NULL, 200);
	json_t *c = json_object_get(j, "cohorts");
	assert_int_equal(json_array_size(c), 3);
	/* January: a, b, c (e ordered first in December: no cohort of the range) */
	static const struct cell jan[] = {
	    {3, 100, "60.00"}, {1, 33.33, "20.00"}, {2, 66.67, "35.00"}};
	static const struct cell feb[] = {{1, 100, "100.00"}, {0, 0, "0"}};
	static const struct cell mar[] = {{0, -1, "0"}};
	expect_cohort(json_array_get(c, 0), "2026-01-01T00:00:00+00:00", 3, jan, 3);
	expect_cohort(json_array_get(c, 1), "2026-02-01T00:00:00+00:00", 1, feb, 2);
	expect_cohort(json_array_get(c, 2), "2026-03-01T00:00:00+00:00", 0, mar, 1);
	json_t *d = json_object_get(j, "definition");
	assert_string_equal(json_string_value(json_object_get(d, "interval")), "month");
	json_decref(j);
}

static void monthly_in_zagreb(void **state)
{
	(void)state;
	json_t *j = api_json(fx.srv.port, fx.key, "GET",
	                     "/v1/reports/cohorts?from=2026-01-01&to=2026-04-01&tz=Europe/Zagreb",
	                     NULL, 200);
	json_t *c = json_object_get(j, "cohorts");
	/* c's order is 00:30 on 1 February here */
	static const struct cell jan[] = {{2, 100, "20.00"}, {1, 50, "20.00"}, {2, 100, "35.00"}};
	static const struct cell feb[] = {{2, 100, "140.00"}, {0, 0, "0"}};
	static const struct cell mar[] = {{0, -1, "0"}};
	expect_cohort(json_array_get(c, 0), "2026-01-01T00:00:00+01:00", 2, jan, 3);
	expect_cohort(json_array_get(c, 1), "2026-02-01T00:00:00+01:00", 2, feb, 2);
	expect_cohort(json_array_get(c, 2), "2026-03-01T00:00:00+01:00", 0, mar, 1);
	/* the range ends at local midnight after the change to summer time */
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(j, "definition"), "to")),
	    "2026-04-01T00:00:00+02:00");
	json_decref(j);
}

static void iso_weeks(void **state)
{
	(void)state;
	/* Monday 5 January to Monday 19 January: a (Mon 5) and b (Sat 10) in the first week */
	json_t *j =
	    api_json(fx.srv.port, fx.key, "GET",
	             "/v1/reports/cohorts?interval=week&from=2026-01-05&to=2026-01-19", NULL, 200);
	json_t *c = json_object_get(j, "cohorts");
	static const struct cell w1[] = {{2, 100, "20.00"}, {0, 0, "0"}};
	static const struct cell w2[] = {{0, -1, "0"}};
	expect_cohort(json_array_get(c, 0), "2026-01-05T00:00:00+00:00", 2, w1, 2);
	expect_cohort(json_array_get(c, 1), "2026-01-12T00:00:00+00:00", 0, w2, 1);
	json_decref(j);
}

static void bad_parameters(void **state)
{
	(void)state;
	static const char *const bad[][2] = {
	    {"interval=day", "interval: must be month or week"},
	    {"from=2026-04-01&to=2026-01-01", "from: must be before to"},
	    {"interval=week&from=1990-01-01&to=2026-01-01",
	     "from: gives more than 400 intervals up to to: narrow the range"},
	    {"tz=Europe/Atlantis", "tz: is not a time zone PostgreSQL knows"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[128];
		snprintf(path, sizeof(path), "/v1/reports/cohorts?%s", bad[i][0]);
		json_t *j = api_json(fx.srv.port, fx.key, "GET", path, NULL, 400);
		assert_string_equal(json_string_value(json_object_get(j, "detail")), bad[i][1]);
		json_decref(j);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(monthly_in_utc),
	    cmocka_unit_test(monthly_in_zagreb),
	    cmocka_unit_test(iso_weeks),
	    cmocka_unit_test(bad_parameters),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
