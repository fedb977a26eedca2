/* test_percent.c - shares in percent: rounding to 2 decimals, and no figure for a whole of
 * zero (breakage, retention and churn rates, segment shares). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/percent.h"

static void rounded_to_two_decimals(void **state)
{
	double pct = -1;
	(void)state;
	assert_true(percent_of(125, 1000, &pct));
	assert_true(pct == 12.5);
	assert_true(percent_of(1, 3, &pct));
	assert_true(pct == 33.33);
	assert_true(percent_of(2, 3, &pct));
	assert_true(pct == 66.67);
	assert_true(percent_of(900, 1000, &pct)); /* the seed's retention: 90 % */
	assert_true(pct == 90);
	assert_true(percent_of(0, 10, &pct));
	assert_true(pct == 0);
	assert_true(percent_of(1, 8, &pct)); /* 12.5 exactly */
	assert_true(pct == 12.5);
	assert_true(percent_of(1, 1600, &pct)); /* 0.0625 → 0.06 */
	assert_true(pct == 0.06);
}

static void nothing_to_divide_by(void **state)
{
	double pct = -1;
	(void)state;
	assert_false(percent_of(0, 0, &pct));
	assert_false(percent_of(5, -1, &pct));
	assert_true(pct == -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rounded_to_two_decimals),
	    cmocka_unit_test(nothing_to_divide_by),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
