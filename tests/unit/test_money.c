/* test_money.c - the one rule for amounts (domain/money.h) and for e-mail addresses
 * (domain/email.h). Expected values written by hand from the rules' text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/email.h"
#include "domain/money.h"

static void parse_reads_ten_thousandths(void **state)
{
	int64_t u = 0;
	(void)state;
	assert_int_equal(money_parse("19.99", false, &u), 0);
	assert_int_equal(u, 199900);
	assert_int_equal(money_parse("5", false, &u), 0);
	assert_int_equal(u, 50000);
	assert_int_equal(money_parse("0.0125", false, &u), 0);
	assert_int_equal(u, 125);
	assert_int_equal(money_parse("0", false, &u), 0);
	assert_int_equal(u, 0);
	assert_int_equal(money_parse("9999999999999.9999", false, &u), 0);
	assert_int_equal(u, INT64_C(99999999999999999));
	assert_int_equal(money_parse("-10.00", true, &u), 0);
	assert_int_equal(u, -100000);
}

static void parse_refuses_other_shapes(void **state)
{
	int64_t u = 7;
	(void)state;
	static const char *const bad[] = {"",
	                                  "-",
	                                  "12.",
	                                  ".5",
	                                  "+1",
	                                  "1e3",
	                                  " 1",
	                                  "1 ",
	                                  "1,5",
	                                  "1.23456",
	                                  "0x1",
	                                  "1.2.3",
	                                  "12345678901234",
	                                  "--1",
	                                  "1.-2"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(money_parse(bad[i], true, &u), -1);
	assert_int_equal(money_parse("-10.00", false, &u), -1); /* no sign unless asked */
	assert_int_equal(u, 7);                                 /* untouched on refusal */
}

static void format_keeps_two_to_four_places(void **state)
{
	char out[MONEY_TEXT_MAX];
	(void)state;
	money_format(850000, out);
	assert_string_equal(out, "85.00");
	money_format(37500, out);
	assert_string_equal(out, "3.75");
	money_format(1250, out);
	assert_string_equal(out, "0.125");
	money_format(125, out);
	assert_string_equal(out, "0.0125");
	money_format(0, out);
	assert_string_equal(out, "0.00");
	money_format(-100000, out);
	assert_string_equal(out, "-10.00");
	money_format(-1, out);
	assert_string_equal(out, "-0.0001");
	money_format(INT64_C(99999999999999999), out);
	assert_string_equal(out, "9999999999999.9999");
}

static void from_json_takes_strings_and_numbers(void **state)
{
	char out[MONEY_TEXT_MAX];
	(void)state;
	json_t *v = json_string("19.990");
	assert_null(money_from_json(v, out));
	assert_string_equal(out, "19.990"); /* as written: PostgreSQL keeps its scale */
	json_decref(v);
	v = json_real(19.99);
	assert_null(money_from_json(v, out));
	assert_string_equal(out, "19.99");
	json_decref(v);
	v = json_integer(42);
	assert_null(money_from_json(v, out));
	assert_string_equal(out, "42");
	json_decref(v);
	v = json_string("-1");
	assert_string_equal(money_from_json(v, out), "must be 0 or more");
	json_decref(v);
	v = json_real(1e13);
	assert_string_equal(
	    money_from_json(v, out),
	    "must be a decimal with at most 13 digits before and 4 after the point");
	json_decref(v);
	v = json_string("1.23456");
	assert_string_equal(
	    money_from_json(v, out),
	    "must be a decimal with at most 13 digits before and 4 after the point");
	json_decref(v);
	v = json_true();
	assert_string_equal(money_from_json(v, out),
	                    "must be a decimal string such as \"19.99\" or a number");
	json_decref(v);
}

static void email_rule(void **state)
{
	char lower[EMAIL_MAX_BYTES + 1], longest[EMAIL_MAX_BYTES + 2];
	(void)state;
	assert_true(email_valid("a@b.co"));
	assert_true(email_valid("Olena.Kovalenko+shop@приклад.укр"));
	static const char *const bad[] = {"",         "ab",       "a@b",        "@b.co",
	                                  "a@b.co.",  "a@.co",    "a@@b.co",    "a@b@c.co",
	                                  "a b@c.co", "a@b.co\t", "a\x7f@b.co", "\xff@b.co"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(email_valid(bad[i]));
	assert_false(email_valid(NULL));
	memset(longest, 'a', sizeof(longest));
	memcpy(longest + EMAIL_MAX_BYTES - 6, "@b.com", 7); /* 254 bytes */
	assert_true(email_valid(longest));
	memset(longest, 'a', sizeof(longest));
	memcpy(longest + EMAIL_MAX_BYTES - 5, "@b.com", 7); /* 255 bytes */
	assert_false(email_valid(longest));
	email_lower("Ann.Lee@Example.COM", lower);
	assert_string_equal(lower, "ann.lee@example.com");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse_reads_ten_thousandths),
	    cmocka_unit_test(parse_refuses_other_shapes),
	    cmocka_unit_test(format_keeps_two_to_four_places),
	    cmocka_unit_test(from_json_takes_strings_and_numbers),
	    cmocka_unit_test(email_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
