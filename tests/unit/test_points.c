/* test_points.c - exact cash values and breakage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "points.h"

static void cash_value_is_exact(void **state)
{
	char out[40];
	(void)state;
	assert_int_equal(points_cash_value(300, "0.0125", out), 0);
	assert_string_equal(out, "3.75");
	assert_int_equal(points_cash_value(1, "0.0001", out), 0);
	assert_string_equal(out, "0.0001");
	assert_int_equal(points_cash_value(123457, "0.01", out), 0);
	assert_string_equal(out, "1234.57");
	assert_int_equal(points_cash_value(7, "2", out), 0);
	assert_string_equal(out, "14.00");
	assert_int_equal(points_cash_value(0, "0", out), 0);
	assert_string_equal(out, "0.00");
	assert_int_equal(points_cash_value(1, "0.00001", out), -1);
	assert_int_equal(points_cash_value(1, "1.2.3", out), -1);
	assert_int_equal(points_cash_value(1, "x", out), -1);
}

static void breakage_is_a_rounded_percentage(void **state)
{
	double pct = -1;
	(void)state;
	assert_true(points_breakage(125, 1000, &pct));
	assert_true(pct == 12.5);
	assert_true(points_breakage(1, 3, &pct));
	assert_true(pct == 33.33);
	assert_true(points_breakage(2, 3, &pct));
	assert_true(pct == 66.67);
	assert_true(points_breakage(0, 10, &pct));
	assert_true(pct == 0);
	/* nothing earned: no figure, not a division by zero */
	pct = -1;
	assert_false(points_breakage(0, 0, &pct));
	assert_true(pct == -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(cash_value_is_exact),
	    cmocka_unit_test(breakage_is_a_rounded_percentage),

	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
