/* test_event_input.c - validation of events, one by one and in batches, with pointers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/currency.h"
#include "domain/event_input.h"
#include "domain/money.h"

/* Parses text and returns the errors as compact JSON text (caller frees), or NULL when
 * the input was valid; *out receives the normalised events when valid. */
static char *errors_of(const char *text, json_t **out)
{
	json_error_t e;
	json_t *body = json_loads(text, 0, &e);
	assert_non_null(body);
	json_t *errors = json_array();
	json_t *events = event_input_parse(body, errors);
	json_decref(body);
	char *result = NULL;
	if (!events)
		result = json_dumps(errors, JSON_COMPACT);
	else
		assert_int_equal(json_array_size(errors), 0);
	json_decref(errors);
	if (out)
		*out = events;
	else
		json_decref(events);
	return result;
}

static void assert_errors(const char *text, const char *want)
{
	char *got = errors_of(text, NULL);
	if (!got || strcmp(got, want) != 0)
		fail_msg("for %s\n got %s\nwant %s", text, got ? got : "(valid)", want);
	free(got);
}

static void single_order_is_normalised(void **state)
{
	json_t *events;
	(void)state;
	assert_null(
	    errors_of("{\"id\":\"o-1\",\"customer_id\":\"c/1\",\"type\":\"order\","
	              "\"occurred_at\":\"2026-03-01T12:00:00+01:00\",\"amount\":19.99,"
	              "\"currency\":\"EUR\",\"order_id\":\"1001\",\"properties\":{\"a\":1}}",
	              &events));
	char *text = json_dumps(json_array_get(events, 0), JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text,
	                    "{\"amount\":\"19.99\",\"currency\":\"EUR\",\"customer_id\":\"c/1\","
	                    "\"id\":\"o-1\",\"occurred_at\":\"2026-03-01T11:00:00.000000Z\","
	                    "\"order_id\":\"1001\",\"properties\":{\"a\":1},\"type\":\"order\"}");
	free(text);
	json_decref(events);
}

static void required_fields_are_named(void **state)
{
	(void)state;
	assert_errors("{}", "[{\"pointer\":\"/customer_id\",\"message\":\"is required\"},"
	                    "{\"pointer\":\"/type\",\"message\":\"is required\"},"
	                    "{\"pointer\":\"/occurred_at\",\"message\":\"is required\"}]");
}

static void money_rules(void **state)
{
	(void)state;
	assert_errors(
	    "{\"customer_id\":\"c\",\"type\":\"order\",\"occurred_at\":\"2026-01-01T00:00:00Z\"}",
	    "[{\"pointer\":\"/amount\",\"message\":\"is required for order and refund events\"}]");
	assert_errors(
	    "{\"customer_id\":\"c\",\"type\":\"order\",\"occurred_at\":\"2026-01-01T00:00:00Z\","
	    "\"amount\":\"5\"}",
	    "[{\"pointer\":\"/currency\",\"message\":\"is required with an amount\"}]");
	assert_errors(
	    "{\"customer_id\":\"c\",\"type\":\"visit\",\"occurred_at\":\"2026-01-01T00:00:00Z\","
	    "\"currency\":\"EUR\"}",
	    "[{\"pointer\":\"/amount\",\"message\":\"is required with a currency\"}]");
	assert_errors(
	    "{\"customer_id\":\"c\",\"type\":\"order\",\"occurred_at\":\"2026-01-01T00:00:00Z\","
	    "\"amount\":\"5\",\"currency\":\"XYZ\"}",
	    "[{\"pointer\":\"/currency\",\"message\":\"must be an ISO 4217 code such as EUR\"}]");
	assert_errors(
	    "{\"customer_id\":\"c\",\"type\":\"refund\",\"occurred_at\":\"2026-01-01T00:00:00Z\","
	    "\"amount\":\"5\",\"currency\":\"EUR\"}",
	    "[{\"pointer\":\"/order_id\",\"message\":\"is required for a refund: the order it "
	    "refunds\"}]");
}

static void amounts(void **state)
{
	char out[32];
	(void)state;
	json_t *v = json_string("0.0001");
	assert_null(money_from_json(v, out));
	assert_string_equal(out, "0.0001");
	json_decref(v);
	const char *bad[] = {"-1", "1.23456",        "1e3", "12.", ".5", "abc",
	                     "",   "12345678901234", NULL};
	for (int i = 0; bad[i]; i++) {
		v = json_string(bad[i]);
		if (!money_from_json(v, out))
			fail_msg("accepted amount %s", bad[i]);
		json_decref(v);
	}
	v = json_integer(1200);
	assert_null(money_from_json(v, out));
	assert_string_equal(out, "1200");
	json_decref(v);
	v = json_real(0.1);
	assert_null(money_from_json(v, out));
	assert_string_equal(out, "0.1");
	json_decref(v);
	v = json_true();
	assert_non_null(money_from_json(v, out));
	json_decref(v);
}

static void types(void **state)
{
	(void)state;
	assert_true(event_input_type_ok("order"));
	assert_true(event_input_type_ok("newsletter_opened_2"));
	assert_false(event_input_type_ok("Order"));
	assert_false(event_input_type_ok("2fa"));
	assert_false(event_input_type_ok("a-b"));
	assert_false(event_input_type_ok(""));
	char long_type[70];
	memset(long_type, 'a', 65);
	long_type[65] = '\0';
	assert_false(event_input_type_ok(long_type));
	long_type[64] = '\0';
	assert_true(event_input_type_ok(long_type));
}

static void batch_pointers_and_limits(void **state)
{
	(void)state;
	assert_errors("{\"events\":[{\"customer_id\":\"c\",\"type\":\"visit\","
	              "\"occurred_at\":\"2026-01-01T00:00:00Z\"},{\"customer_id\":\"c\",\"type\":"
	              "\"visit\",\"occurred_at\":\"1969-12-31T23:59:59Z\",\"colour\":\"red\"}]}",
	              "[{\"pointer\":\"/events/1/colour\",\"message\":\"unknown field\"},"
	              "{\"pointer\":\"/events/1/occurred_at\",\"message\":\"must be from 1970 to "
	              "2100\"}]");
	assert_errors(
	    "{\"events\":[]}",
	    "[{\"pointer\":\"/events\",\"message\":\"must be an array of 1 to 10000 events\"}]");
	assert_errors(
	    "{\"events\":[],\"x\":1}",
	    "[{\"pointer\":\"/x\",\"message\":\"unknown field\"},{\"pointer\":\"/events\","
	    "\"message\":\"must be an array of 1 to 10000 events\"}]");
	assert_errors("[1]", "[{\"pointer\":\"\",\"message\":\"must be a JSON object\"}]");
	assert_errors("{\"events\":[7]}",
	              "[{\"pointer\":\"/events/0\",\"message\":\"must be a JSON object\"}]");
}

static void properties_are_bounded(void **state)
{
	(void)state;
	char deep[256];
	strcpy(deep,
	       "{\"customer_id\":\"c\",\"type\":\"visit\",\"occurred_at\":\"2026-01-01T00:00:00Z\","
	       "\"properties\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{\"i\":1}}}}"
	       "}}}}}}");

	assert_errors(deep, "[{\"pointer\":\"/properties\",\"message\":\"must be nested at most 8 "
	                    "levels deep\"}]");
	assert_errors(
	    "{\"customer_id\":\"c\",\"type\":\"visit\",\"occurred_at\":\"2026-01-01T00:00:00Z\","
	    "\"properties\":[1]}",
	    "[{\"pointer\":\"/properties\",\"message\":\"must be a JSON object\"}]");
	size_t big = 17000;
	char *text = malloc(big + 200);
	int n = sprintf(text, "{\"customer_id\":\"c\",\"type\":\"visit\",\"occurred_at\":"
	                      "\"2026-01-01T00:00:00Z\",\"properties\":{\"x\":\"");
	memset(text + n, 'x', big);
	strcpy(text + n + big, "\"}}");
	assert_errors(text,
	              "[{\"pointer\":\"/properties\",\"message\":\"must be at most 16384 bytes "
	              "as JSON\"}]");
	free(text);
}

static void currencies_are_iso_4217(void **state)
{
	(void)state;
	assert_true(currency_is_valid("EUR"));
	assert_true(currency_is_valid("UAH"));
	assert_true(currency_is_valid("AED"));
	assert_true(currency_is_valid("ZWG"));
	assert_false(currency_is_valid("eur"));
	assert_false(currency_is_valid("XYZ"));
	assert_false(currency_is_valid("EURO"));
	assert_false(currency_is_valid(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(single_order_is_normalised),
	    cmocka_unit_test(required_fields_are_named),
	    cmocka_unit_test(money_rules),
	    cmocka_unit_test(amounts),
	    cmocka_unit_test(types),
	    cmocka_unit_test(batch_pointers_and_limits),
	    cmocka_unit_test(properties_are_bounded),
	    cmocka_unit_test(currencies_are_iso_4217),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
