/* test_rfm.c - GET /v1/reports/rfm against the real server and database, computed by hand
 * from docs/DESIGN.md §6: NTILE(5) over 7 customers (groups of 2, 2, 1, 1, 1), ties in the last
 * order broken by external_id, net amounts after refunds, whole days of recency, the first
 * matching segment rule, the R × F grid; the same figures from the per-customer rollups
 * (nothing after as_of) and from the events (as_of in the past); an empty tenant. */
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

static json_t *get(const char *path)
{
	return api_json(fx.srv.port, fx.key, "GET", path, NULL, 200);
}

#define ORDER(c, day, amount)                                                                      \
	"{\"customer_id\":\"" c "\",\"type\":\"order\",\"occurred_at\":\"2026-" day                \
	"T12:00:00Z\",\"amount\":\"" amount "\",\"currency\":\"EUR\",\"order_id\":\"" c day "\"}"

static int setup(void **state)
{
	fixture_setup(state, &fx, NULL, "RFM shop");
	json_decref(api_json(
	    fx.srv.port, fx.key, "POST", "/v1/events",
	    "{\"events\":[" ORDER("a", "06-29", "100.00") "," ORDER("g", "06-29", "100.00") "," ORDER("b", "06-01", "50.00") "," ORDER(
	        "b", "06-28",
	        "50.00") "," ORDER("c", "03-01",
	                           "10.00") "," ORDER("c", "04-01",
	                                              "10.00") "," ORDER("c", "05-01",
	                                                                 "10.00") "," ORDER("d",
	                                                                                    "01-05",
	                                                                                    "20.00") "," ORDER("d",
	                                                                                                       "02-05",
	                                                                                                       "20.00") "," ORDER("d",
	                                                                                                                          "03-05",
	                                                                                                                          "20.00") "," ORDER("d",
	                                                                                                                                             "04-05",
	                                                                                                                                             "20.00") "," ORDER("d", "06-20", "20.00") "," ORDER("e", "01-10", "500.00") ","
	                                                                                                                                                                                                                         "{\"customer_id\":\"e\",\"type\":\"refund\",\"occurred_at\":\"2026-01-15T12:00:00Z\","
	                                                                                                                                                                                                                         "\"amount\":\"100.00\",\"currency\":\"EUR\",\"order_id\":\"e01-10\"}," ORDER("f",
	                                                                                                                                                                                                                                                                                                      "02-01", "5.00") "," ORDER("f",
	                                                                                                                                                                                                                                                                                                                                 "02-02", "5.00") "," ORDER("f",
	                                                                                                                                                                                                                                                                                                                                                            "02-03",
	                                                                                                                                                                                                                                                                                                                                                            "5.00") "," ORDER("f",
	                                                                                                                                                                                                                                                                                                                                                                              "02-04",
	                                                                                                                                                                                                                                                                                                                                                                              "5.00") "]}",
	    200));
	return 0;
}

static json_t *segment(json_t *report, const char *name)
{
	size_t i;
	json_t *s;
	json_array_foreach (json_object_get(report, "segments"), i, s) {
		if (strcmp(json_string_value(json_object_get(s, "segment")), name) == 0)
			return s;
	}
	fail_msg("no segment %s", name);
	return NULL;
}

static double num(json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

static void scores_segments_and_grid_by_hand(void **state)
{
	(void)state;
	json_t *j = get("/v1/reports/rfm?as_of=2026-06-30T00:00:00Z");
	assert_string_equal(json_string_value(json_object_get(j, "as_of")),
	                    "2026-06-30T00:00:00.000000Z");
	assert_int_equal(json_int(j, "customers"), 7);
	/* R: e f | c d | b | a | g (a before g: same instant, external_id decides)
	 * F: a e | g b | c | f | d;  a R4F1 promising, b R3F2 about_to_sleep, c R2F3 and
	 * f R1F4 at_risk, d R2F5 cant_lose_them, e R1F1 hibernating, g R5F2 potential */
	static const struct {
		const char *name;
		long n;
		const char *revenue;
		double share, rec, freq, mon;
	} want[] = {
	    {"champions", 0, "0", 0, -1, -1, -1},
	    {"potential_loyalists", 1, "100.00", 14.29, 0, 1, 100},
	    {"new_customers", 0, "0", 0, -1, -1, -1},
	    {"promising", 1, "100.00", 14.29, 0, 1, 100},
	    {"loyal_customers", 0, "0", 0, -1, -1, -1},
	    {"need_attention", 0, "0", 0, -1, -1, -1},
	    {"about_to_sleep", 1, "100.00", 14.29, 1, 2, 100},
	    {"cant_lose_them", 1, "100.00", 14.29, 9, 5, 100},
	    {"at_risk", 2, "50.00", 28.57, 102, 3.5, 25},
	    {"hibernating", 1, "400.00", 14.29, 170, 1, 400},
	};
	json_t *segs = json_object_get(j, "segments");
	assert_int_equal(json_array_size(segs), 10);
	for (size_t i = 0; i < 10; i++) {
		json_t *s = json_array_get(segs, i);
		assert_string_equal(json_string_value(json_object_get(s, "segment")), want[i].name);
		assert_int_equal(json_int(s, "customers"), want[i].n);
		assert_string_equal(json_string_value(json_object_get(s, "revenue")),
		                    want[i].revenue);
		assert_float_equal(num(s, "share"), want[i].share, 1e-9);
		if (want[i].n == 0) {
			assert_true(json_is_null(json_object_get(s, "mean_recency_days")));
			continue;
		}
		assert_float_equal(num(s, "mean_recency_days"), want[i].rec, 1e-9);
		assert_float_equal(num(s, "mean_frequency"), want[i].freq, 1e-9);
		assert_float_equal(num(s, "mean_monetary"), want[i].mon, 1e-9);
	}
	static const long grid[5][5] = {
	    {1, 0, 0, 1, 0}, {0, 0, 1, 0, 1}, {0, 1, 0, 0, 0}, {1, 0, 0, 0, 0}, {0, 1, 0, 0, 0}};
	json_t *g = json_object_get(j, "grid");
	for (size_t r = 0; r < 5; r++)
		for (size_t f = 0; f < 5; f++)
			assert_int_equal(
			    json_integer_value(json_array_get(json_array_get(g, r), f)),
			    grid[r][f]);
	json_decref(j);
	/* the same as of now: nothing after it, every figure from the rollups; recency grows */
	j = get("/v1/reports/rfm");
	assert_int_equal(json_int(j, "customers"), 7);
	assert_int_equal(json_int(segment(j, "at_risk"), "customers"), 2);
	assert_int_equal(json_int(segment(j, "potential_loyalists"), "customers"), 1);
	json_decref(j);
}

static void as_of_in_the_past_reads_the_events(void **state)
{
	(void)state;
	/* on 25 June a and g had not ordered yet, b once: five customers, one per tile */
	json_t *j = get("/v1/reports/rfm?as_of=2026-06-25&tz=Europe/Zagreb");
	assert_string_equal(json_string_value(json_object_get(j, "as_of")),
	                    "2026-06-24T22:00:00.000000Z");
	assert_int_equal(json_int(j, "customers"), 5);
	const char *one[] = {"hibernating", "at_risk", "need_attention", "promising", "champions"};
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(json_int(segment(j, one[i]), "customers"), 1);
	assert_string_equal(json_string_value(json_object_get(segment(j, "promising"), "revenue")),
	                    "50.00");
	json_decref(j);
}

static void empty_tenant_and_bad_parameters(void **state)
{
	char other_tenant[37], other_key[64];
	(void)state;
	create_tenant(fx.srv.port, "Empty RFM shop", other_tenant, other_key);
	json_t *j = api_json(fx.srv.port, other_key, "GET", "/v1/reports/rfm", NULL, 200);
	assert_int_equal(json_int(j, "customers"), 0);
	json_t *s = json_array_get(json_object_get(j, "segments"), 0);
	assert_int_equal(json_int(s, "customers"), 0);
	assert_true(json_is_null(json_object_get(s, "share")));
	assert_int_equal(json_array_size(json_object_get(j, "grid")), 5);
	json_decref(j);
	j = api_json(fx.srv.port, fx.key, "GET", "/v1/reports/rfm?as_of=soon", NULL, 400);
	assert_string_equal(
	    json_string_value(json_object_get(j, "detail")),
	    "as_of: must be an RFC 3339 time or a date YYYY-MM-DD (local to tz), 1970 to 2100");
	json_decref(j);
	json_decref(
	    api_json(fx.srv.port, fx.key, "GET", "/v1/reports/rfm?tz=Nowhere/Land", NULL, 400));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(scores_segments_and_grid_by_hand),
	    cmocka_unit_test(as_of_in_the_past_reads_the_events),
	    cmocka_unit_test(empty_tenant_and_bad_parameters),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
