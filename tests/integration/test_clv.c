/* test_clv.c - GET /v1/reports/clv against the real server and database, worked out by
 * hand: historical CLV net of refunds (mean, median, p90, max), average order value,
 * orders per customer per year, repeat purchase rate, median days between orders, the
 * year's churn and the predicted CLV; the same by NPS category (promoters against
 * detractors), by RFM segment and by tier; an empty tenant; a bad parameter. */
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

static void event(const char *customer, const char *type, double days_ago, const char *amount,
                  const char *order_id)
{
	char t[32], body[512];
	snprintf(body, sizeof(body),
	         "{\"customer_id\":\"%s\",\"type\":\"%s\",\"occurred_at\":\"%s\",\"amount\":\"%s\","
	         "\"currency\":\"EUR\",\"order_id\":\"%s\"}",
	         customer, type, time_ago(days_ago, t), amount, order_id);
	json_decref(api_json(fx.srv.port, fx.key, "POST", "/v1/events", body, 200));
}

static int setup(void **state)
{
	fixture_setup(state, &fx, NULL, "CLV shop");
	/* p, a promoter: 3 orders, one of them a year and more ago; q, a detractor: one order
	 * 500 days ago, partly refunded, none since (lost); r, no answer: 2 orders this year;
	 * s, a passive: one order 800 days ago */
	event("p", "order", 400, "100.00", "p1");
	event("p", "order", 200, "100.00", "p2");
	event("p", "order", 10, "100.00", "p3");
	event("q", "order", 500, "50.00", "q1");
	event("q", "refund", 490, "20.00", "q1");
	event("r", "order", 100, "200.00", "r1");
	event("r", "order", 40, "100.00", "r2");
	event("s", "order", 800, "70.00", "s1");
	create_nps_answers(fx.srv.port, fx.key, 3, (const char *const[]){"p", "q", "s"},
	                   (const int[]){9, 3, 8});
	return 0;
}

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* A number member, or -1 for null. */
static double num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	assert_true(json_is_number(v) || json_is_null(v));
	return json_is_null(v) ? -1 : json_number_value(v);
}

static void every_customer(void **state)
{
	(void)state;
	json_t *j = api_json(fx.srv.port, fx.key, "GET", "/v1/reports/clv", NULL, 200);
	assert_int_equal(json_int(j, "customers"), 4);
	assert_int_equal(json_int(j, "orders"), 7);
	/* net CLV 30, 70, 300, 300 */
	json_t *clv = json_object_get(j, "clv");
	assert_string_equal(str(clv, "mean"), "175.00");
	assert_string_equal(str(clv, "median"), "185.00");
	assert_string_equal(str(clv, "p90"), "300.00");
	assert_string_equal(str(clv, "max"), "300.00");
	/* 720 of orders in 7 */
	assert_string_equal(str(j, "average_order_value"), "102.86");
	/* p and r ordered 4 times in the last year */
	assert_float_equal(num(j, "orders_per_customer_per_year"), 2, 1e-9);
	assert_float_equal(num(j, "repeat_purchase_rate"), 50, 1e-9);
	/* gaps 60, 190, 200 */
	assert_float_equal(num(j, "median_days_between_orders"), 190, 1e-9);
	/* p and q active a year ago, q lost: 50 %, 2 years; 720/7 × 2 × 2 */
	assert_float_equal(num(j, "annual_churn"), 50, 1e-9);
	assert_float_equal(num(j, "expected_lifetime_years"), 2, 1e-9);
	assert_float_equal(num(j, "predicted_clv"), 411.43, 1e-9);
	assert_null(json_object_get(j, "groups"));
	json_decref(j);
}

static void promoters_against_detractors(void **state)
{
	(void)state;
	json_t *j =
	    api_json(fx.srv.port, fx.key, "GET", "/v1/reports/clv?by=nps_category", NULL, 200);
	assert_int_equal(json_int(j, "customers"), 4);
	json_t *g = json_object_get(j, "groups");
	assert_int_equal(json_array_size(g), 4);
	static const struct {
		const char *group, *mean, *aov;
		double freq, repeat, gap, churn, lifetime, predicted;
	} want[] = {
	    {"promoter", "300.00", "100.00", 2, 100, 195, 0, 10, 2000},
	    {"passive", "70.00", "70.00", -1, 0, -1, -1, -1, -1},
	    {"detractor", "30.00", "50.00", -1, 0, -1, 100, 1, -1},
	    {"none", "300.00", "150.00", 2, 100, 60, -1, -1, -1},
	};
	for (size_t i = 0; i < 4; i++) {
		json_t *x = json_array_get(g, i);
		assert_string_equal(str(x, "group"), want[i].group);
		assert_int_equal(json_int(x, "customers"), 1);
		assert_string_equal(str(json_object_get(x, "clv"), "mean"), want[i].mean);
		assert_string_equal(str(x, "average_order_value"), want[i].aov);
		assert_float_equal(num(x, "orders_per_customer_per_year"), want[i].freq, 1e-9);
		assert_float_equal(num(x, "repeat_purchase_rate"), want[i].repeat, 1e-9);
		assert_float_equal(num(x, "median_days_between_orders"), want[i].gap, 1e-9);
		assert_float_equal(num(x, "annual_churn"), want[i].churn, 1e-9);
		assert_float_equal(num(x, "expected_lifetime_years"), want[i].lifetime, 1e-9);
		assert_float_equal(num(x, "predicted_clv"), want[i].predicted, 1e-9);
	}
	assert_string_equal(str(json_object_get(j, "definition"), "by"), "nps_category");
	json_decref(j);
}

static void by_rfm_segment_and_by_tier(void **state)
{
	(void)state;
	json_t *j =
	    api_json(fx.srv.port, fx.key, "GET", "/v1/reports/clv?by=rfm_segment", NULL, 200);
	json_t *g = json_object_get(j, "groups"), *x;
	size_t i;
	long long total = 0;
	json_array_foreach (g, i, x)
		total += json_int(x, "customers");
	assert_int_equal(total, 4);
	json_decref(j);
	/* no programme: nobody has a tier */
	j = api_json(fx.srv.port, fx.key, "GET", "/v1/reports/clv?by=tier", NULL, 200);
	g = json_object_get(j, "groups");
	assert_int_equal(json_array_size(g), 1);
	assert_string_equal(str(json_array_get(g, 0), "group"), "none");
	assert_int_equal(json_int(json_array_get(g, 0), "customers"), 4);
	json_decref(j);
	/* with one: all in its first tier */
	json_decref(
	    api_json(fx.srv.port, fx.key, "PUT", "/v1/program",
	             "{\"currency\":\"EUR\",\"points_per_unit\":1,\"tiers\":[{\"name\":"
	             "\"bronze\",\"threshold\":0},{\"name\":\"gold\",\"threshold\":100000}]}",
	             200));
	j = api_json(fx.srv.port, fx.key, "GET", "/v1/reports/clv?by=tier", NULL, 200);
	g = json_object_get(j, "groups");
	assert_int_equal(json_array_size(g), 1);
	assert_string_equal(str(json_array_get(g, 0), "group"), "bronze");
	json_decref(j);
	j = api_json(fx.srv.port, fx.key, "GET", "/v1/reports/clv?by=country", NULL, 400);
	assert_string_equal(str(j, "detail"), "by: must be rfm_segment, tier or nps_category");
	json_decref(j);
}

static void an_empty_shop(void **state)
{
	char other_tenant[37], other_key[64];
	(void)state;
	create_tenant(fx.srv.port, "Empty CLV shop", other_tenant, other_key);
	json_t *j =
	    api_json(fx.srv.port, other_key, "GET", "/v1/reports/clv?by=nps_category", NULL, 200);
	assert_int_equal(json_int(j, "customers"), 0);
	assert_true(json_is_null(json_object_get(json_object_get(j, "clv"), "mean")));
	assert_true(json_is_null(json_object_get(j, "predicted_clv")));
	assert_int_equal(json_array_size(json_object_get(j, "groups")), 0);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_customer),
	    cmocka_unit_test(promoters_against_detractors),
	    cmocka_unit_test(by_rfm_segment_and_by_tier),
	    cmocka_unit_test(an_empty_shop),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
