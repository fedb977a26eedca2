/* test_rewards_input.c - coupon codes (the alphabet, uniform draws, case), CSV imports of
 * codes, and a reward's validation, without a database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/coupon_code.h"
#include "domain/coupon_pool.h"
#include "domain/reward_input.h"

static void the_alphabet_has_no_look_alikes(void **state)
{
	(void)state;
	assert_int_equal(strlen(COUPON_ALPHABET), 31);
	for (const char *c = "01ILO"; *c; c++)
		assert_null(strchr(COUPON_ALPHABET, *c));
}

static void bytes_map_uniformly_and_skip_the_rest(void **state)
{
	(void)state;
	/* 0 → '2', 30 → 'Z', 31 → '2' again, 247 (= 31 × 8 - 1) → 'Z'; 248..255 are skipped so
	 * that each of the 31 characters has exactly 8 of the 256 bytes */
	const unsigned char bytes[] = {0, 248, 30, 255, 31, 247, 8};
	char out[8];
	assert_int_equal(coupon_code_from_bytes(bytes, sizeof(bytes), 5, out), 0);
	assert_string_equal(out, "2Z2ZA");
	/* not enough bytes left after skipping: -1 */
	const unsigned char few[] = {250, 251, 1};
	assert_int_equal(coupon_code_from_bytes(few, sizeof(few), 2, out), -1);
	int hits[31] = {0};
	for (int b = 0; b < 248; b++) {
		unsigned char one = (unsigned char)b;
		assert_int_equal(coupon_code_from_bytes(&one, 1, 1, out), 0);
		hits[strchr(COUPON_ALPHABET, out[0]) - COUPON_ALPHABET]++;
	}
	for (int i = 0; i < 31; i++)
		assert_int_equal(hits[i], 8);
}

static void generated_codes_are_of_the_alphabet(void **state)
{
	(void)state;
	char out[COUPON_RANDOM_MAX + 1];
	assert_int_equal(coupon_code_generate(32, out), 0);
	assert_int_equal(strlen(out), 32);
	assert_int_equal(strspn(out, COUPON_ALPHABET), 32);
	assert_int_equal(coupon_code_generate(33, out), -1);
	struct coupon_pool pool = {0};
	assert_int_equal(coupon_pool_generate(&pool, 5000, "X-", 6), 0);
	assert_int_equal(pool.n, 5000);
	for (size_t i = 0; i < pool.n; i++) {
		assert_int_equal(strlen(pool.codes[i]), 8);
		assert_memory_equal(pool.codes[i], "X-", 2);
		for (size_t j = 0; j < i && j < 50; j++)
			assert_string_not_equal(pool.codes[i], pool.codes[j]);
	}
	coupon_pool_free(&pool);
}

static void codes_are_matched_without_case(void **state)
{
	(void)state;
	char out[COUPON_CODE_MAX + 1], long_code[70];
	assert_null(coupon_code_normalize("spring-25_x", out));
	assert_string_equal(out, "SPRING-25_X");
	assert_non_null(coupon_code_normalize("", out));
	assert_non_null(coupon_code_normalize("two words", out));
	assert_non_null(coupon_code_normalize("ÄPFEL", out));
	memset(long_code, 'A', 65);
	long_code[65] = '\0';
	assert_non_null(coupon_code_normalize(long_code, out));
	long_code[64] = '\0';
	assert_null(coupon_code_normalize(long_code, out));
	assert_true(coupon_prefix_ok(""));
	assert_true(coupon_prefix_ok("VIP-2026"));
	assert_false(coupon_prefix_ok("vip"));
	assert_false(coupon_prefix_ok("ABCDEFGHIJKLMNOPQ")); /* 17 */
}

static void a_csv_gives_its_first_column(void **state)
{
	(void)state;
	static const char csv[] = "Code,Value\r\n"
	                          "\"spring-1\",10\r\n"
	                          "  SPRING-2  \n"
	                          "\n"
	                          "spring-1\n"
	                          "NULL\n"
	                          "SPRING-3";
	struct coupon_pool pool = {0};
	size_t repeated = 9;
	json_t *errors = json_array();
	assert_int_equal(coupon_pool_from_csv(&pool, csv, strlen(csv), &repeated, errors), 0);
	assert_int_equal(json_array_size(errors), 0);
	assert_int_equal(pool.n, 4);
	assert_int_equal(repeated, 1);
	assert_string_equal(pool.codes[0], "SPRING-1");
	assert_int_equal(pool.lines[0], 2);
	assert_string_equal(pool.codes[1], "SPRING-2");
	assert_string_equal(pool.codes[2], "NULL");
	assert_int_equal(pool.lines[3], 7);
	assert_int_equal(coupon_pool_line_of(&pool, "SPRING-3"), 7);
	char *literal = coupon_pool_literal(&pool);
	/* quoted: the code NULL stays a code, not an SQL null */
	assert_string_equal(literal, "{\"SPRING-1\",\"SPRING-2\",\"NULL\",\"SPRING-3\"}");
	free(literal);
	coupon_pool_free(&pool);
	/* bad lines are named; a header is only the first line */
	static const char bad[] = "A1\ncode\nwith space\n";
	assert_int_equal(coupon_pool_from_csv(&pool, bad, strlen(bad), &repeated, errors), 0);
	assert_int_equal(json_array_size(errors), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(errors, 0), "line")), 3);
	assert_int_equal(pool.n, 2); /* A1 and CODE */
	coupon_pool_free(&pool);
	json_decref(errors);
}

/* The pointers of the errors of parsing text. */
static char *pointers(const char *text)
{
	static char out[256];
	struct reward_input in;
	json_t *obj = json_loads(text, 0, NULL), *errors = json_array(), *e;
	size_t i, o = 0;
	assert_non_null(obj);
	reward_input_parse(obj, &in, errors);
	out[0] = '\0';
	json_array_foreach (errors, i, e)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s", i ? " " : "",
		                      json_string_value(json_object_get(e, "pointer")));
	json_decref(errors);
	json_decref(obj);
	return out;
}

static void a_reward_is_checked_by_its_kind(void **state)
{
	(void)state;
	assert_string_equal(pointers("{\"name\":\"A\",\"points_cost\":1,\"kind\":\"custom\"}"), "");
	assert_string_equal(pointers("{\"name\":\"A\",\"points_cost\":0,\"kind\":\"custom\"}"),
	                    "/points_cost");
	assert_string_equal(pointers("{}"), "/name /points_cost /kind");
	assert_string_equal(
	    pointers("{\"name\":\"A\",\"points_cost\":1,\"kind\":\"fixed_amount\"}"),
	    "/amount /currency");
	assert_string_equal(pointers("{\"name\":\"A\",\"points_cost\":1,\"kind\":\"percent\","
	                             "\"percent\":\"100.0001\"}"),
	                    "/percent");
	assert_string_equal(pointers("{\"name\":\"A\",\"points_cost\":1,\"kind\":\"percent\","
	                             "\"percent\":100}"),
	                    "");
	assert_string_equal(pointers("{\"name\":\"A\",\"points_cost\":1,\"kind\":\"gift\","
	                             "\"description\":\"\"}"),
	                    "/description");
	assert_string_equal(pointers("{\"name\":\"A\",\"points_cost\":1,\"kind\":\"custom\","
	                             "\"starts_at\":\"2026-12-05T10:00:00+01:00\","
	                             "\"ends_at\":\"2026-12-05T09:00:00Z\"}"),
	                    "/ends_at"); /* the same instant */
	assert_string_equal(pointers("{\"name\":\"A\",\"points_cost\":1,\"kind\":\"custom\","
	                             "\"stock\":null,\"tier\":null,\"ends_at\":null}"),
	                    "");
	struct reward_input in;
	json_t *obj = json_loads("{\"name\":\"A\",\"points_cost\":7,\"kind\":\"fixed_amount\","
	                         "\"amount\":5,\"currency\":\"EUR\",\"stock\":0}",
	                         0, NULL),
	       *errors = json_array();
	reward_input_parse(obj, &in, errors);
	assert_int_equal(json_array_size(errors), 0);
	assert_string_equal(in.points_cost, "7");
	assert_string_equal(in.amount, "5");
	assert_string_equal(in.stock, "0");
	assert_null(in.per_customer_limit);
	assert_null(in.percent);
	json_decref(errors);
	json_decref(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_alphabet_has_no_look_alikes),
	    cmocka_unit_test(bytes_map_uniformly_and_skip_the_rest),
	    cmocka_unit_test(generated_codes_are_of_the_alphabet),
	    cmocka_unit_test(codes_are_matched_without_case),
	    cmocka_unit_test(a_csv_gives_its_first_column),
	    cmocka_unit_test(a_reward_is_checked_by_its_kind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
