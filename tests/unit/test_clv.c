/* test_clv.c - predicted CLV with exact values: the formula, the 10-year cap (also for no
 * churn at all), and no figure without a frequency or a churn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/clv.h"

static void the_formula(void **state)
{
	struct clv_prediction p;
	(void)state;
	/* 30 orders by 10 customers: 3 a year; 20 of 100 lost: 20 %, 5 years; 50 × 3 × 5 */
	struct clv_inputs in = {50.0, 30, 10, 100, 20};
	clv_predict(&in, &p);
	assert_true(p.defined);
	assert_true(p.orders_per_customer_per_year == 3);
	assert_true(p.annual_churn == 20);
	assert_true(p.lifetime_years == 5);
	assert_true(p.predicted == 750);
	/* 7 orders by 3 customers (2.33…), 1 of 3 lost (33.33 %, 3 years): 12.5 × 7/3 × 3 */
	struct clv_inputs thirds = {12.5, 7, 3, 3, 1};
	clv_predict(&thirds, &p);
	assert_true(p.orders_per_customer_per_year == 2.33);
	assert_true(p.annual_churn == 33.33);
	assert_true(p.lifetime_years == 3);
	assert_true(p.predicted == 87.5);
}

static void lifetime_is_capped_at_ten_years(void **state)
{
	struct clv_prediction p;
	(void)state;
	struct clv_inputs low = {10.0, 2, 1, 100, 5}; /* 5 % churn: 20 years, capped */
	clv_predict(&low, &p);
	assert_true(p.annual_churn == 5);
	assert_true(p.lifetime_years == 10);
	assert_true(p.predicted == 200);
	struct clv_inputs none = {10.0, 2, 1, 100, 0}; /* nobody lost */
	clv_predict(&none, &p);
	assert_true(p.has_churn);
	assert_true(p.annual_churn == 0);
	assert_true(p.lifetime_years == 10);
	assert_true(p.predicted == 200);
}

static void no_figure_without_its_inputs(void **state)
{
	struct clv_prediction p;
	(void)state;
	struct clv_inputs no_recent = {10.0, 0, 0, 100, 20}; /* nobody ordered this year */
	clv_predict(&no_recent, &p);
	assert_false(p.has_frequency);
	assert_true(p.has_churn);
	assert_false(p.defined);
	struct clv_inputs no_history = {10.0, 4, 2, 0, 0}; /* nobody active a year ago */
	clv_predict(&no_history, &p);
	assert_true(p.has_frequency);
	assert_false(p.has_churn);
	assert_false(p.defined);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_formula),
	    cmocka_unit_test(lifetime_is_capped_at_ten_years),
	    cmocka_unit_test(no_figure_without_its_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
