/* test_ratelimit.c - token bucket arithmetic, and the table keeping names apart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dispatch/ratelimit.h"

static void burst_then_rate(void **state)
{
	(void)state;
	struct bucket b = {3.0, 100.0}; /* full: burst 3, rate 2 a second */
	assert_true(ratelimit_take(&b, 100.0, 2.0, 3.0) == 0.0);
	assert_true(ratelimit_take(&b, 100.0, 2.0, 3.0) == 0.0);
	assert_true(ratelimit_take(&b, 100.0, 2.0, 3.0) == 0.0);
	/* empty: the next token in half a second */
	assert_float_equal(ratelimit_take(&b, 100.0, 2.0, 3.0), 0.5, 1e-9);
	assert_float_equal(ratelimit_take(&b, 100.25, 2.0, 3.0), 0.25, 1e-9);
	assert_true(ratelimit_take(&b, 100.5, 2.0, 3.0) == 0.0);
	/* a long pause refills to the burst, not beyond */
	assert_true(ratelimit_peek(&b, 1000.0, 2.0, 3.0) == 0.0);
	assert_float_equal(b.tokens, 3.0, 1e-9);
	/* a clock that went back changes nothing */
	assert_true(ratelimit_take(&b, 999.0, 2.0, 3.0) == 0.0);
	assert_float_equal(b.tokens, 2.0, 1e-9);
}

static void slow_rates_wait_long(void **state)
{
	(void)state;
	/* 10 failures a minute: a token every 6 s */
	struct bucket b = {0.0, 0.0};
	assert_float_equal(ratelimit_peek(&b, 0.0, 10.0 / 60.0, 10.0), 6.0, 1e-9);
	assert_float_equal(ratelimit_peek(&b, 3.0, 10.0 / 60.0, 10.0), 3.0, 1e-9);
	assert_true(ratelimit_take(&b, 6.0, 10.0 / 60.0, 10.0) == 0.0);
}

static void table_keeps_names_apart(void **state)
{
	(void)state;
	for (int i = 0; i < 4; i++)
		assert_true(ratelimit_hit(RATELIMIT_KEY, "key-a", 0.001, 4.0) == 0.0);
	assert_true(ratelimit_hit(RATELIMIT_KEY, "key-a", 0.001, 4.0) > 0.0);
	assert_true(ratelimit_check(RATELIMIT_KEY, "key-a", 0.001, 4.0) > 0.0);
	/* another name, and the same name in the other table, have their own buckets */
	assert_true(ratelimit_hit(RATELIMIT_KEY, "key-b", 0.001, 4.0) == 0.0);
	assert_true(ratelimit_hit(RATELIMIT_AUTH_FAILURE, "key-a", 0.001, 4.0) == 0.0);
	/* no limit */
	for (int i = 0; i < 100; i++)
		assert_true(ratelimit_hit(RATELIMIT_KEY, "key-c", 0.0, 1.0) == 0.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(burst_then_rate),
	    cmocka_unit_test(slow_rates_wait_long),
	    cmocka_unit_test(table_keeps_names_apart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
