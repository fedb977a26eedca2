/* test_points.c - exact cash values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/points.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(cash_value_is_exact),

	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
