/* test_points.c - tiers (earned and granted) and exact cash values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "points.h"

static json_t *program(void)
{
	return json_loads("{\"tiers\":[{\"name\":\"bronze\",\"threshold\":0},{\"name\":\"silver\","
	                  "\"threshold\":1000},{\"name\":\"gold\",\"threshold\":5000}]}",
	                  0, NULL);
}

static void tier_by_points_earned(void **state)
{
	struct tier_position tp;
	json_t *p = program();
	(void)state;
	points_tier(p, 0, NULL, &tp);
	assert_string_equal(tp.tier, "bronze");
	assert_string_equal(tp.next_tier, "silver");
	assert_int_equal(tp.points_to_next, 1000);
	points_tier(p, 1000, NULL, &tp);
	assert_string_equal(tp.tier, "silver");
	assert_int_equal(tp.points_to_next, 4000);
	points_tier(p, 99999, NULL, &tp);
	assert_string_equal(tp.tier, "gold");
	assert_null(tp.next_tier);
	json_decref(p);
}

static void membership_grants_a_higher_tier_only(void **state)
{
	struct tier_position tp;
	json_t *p = program();
	json_t *gold = json_loads("[\"gold\"]", 0, NULL);
	json_t *bronze = json_loads("[\"bronze\",\"platinum\"]", 0, NULL);
	(void)state;
	points_tier(p, 200, gold, &tp);
	assert_string_equal(tp.tier, "gold");
	assert_null(tp.next_tier);
	/* a lower grant, and a name the programme does not have, change nothing */
	points_tier(p, 1200, bronze, &tp);
	assert_string_equal(tp.tier, "silver");
	assert_string_equal(tp.next_tier, "gold");
	assert_int_equal(tp.points_to_next, 3800);
	points_tier(NULL, 1200, gold, &tp);
	assert_null(tp.tier);
	json_decref(p);
	json_decref(gold);
	json_decref(bronze);
}

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
	    cmocka_unit_test(tier_by_points_earned),
	    cmocka_unit_test(membership_grants_a_higher_tier_only),
	    cmocka_unit_test(cash_value_is_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
