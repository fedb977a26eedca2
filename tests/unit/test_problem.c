/* test_problem.c - RFC 9457 problem objects and validation pointers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/json_util.h"
#include "domain/validate.h"
#include "http/problem.h"

static void assert_json_equal(json_t *got, const char *want_text)
{
	json_t *want = json_loads(want_text, 0, NULL);
	assert_non_null(want);
	if (!json_equal(got, want)) {
		char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
		fail_msg("got %s\nwant %s", g, want_text);
		free(g);
	}
	json_decref(want);
}

static void problem_has_type_title_status_detail(void **state)
{
	(void)state;
	json_t *p = problem_new(404, "not-found", "no such key", NULL);
	assert_json_equal(p, "{\"type\":\"urn:loyaltyd:problem:not-found\",\"title\":\"Not Found\","
	                     "\"status\":404,\"detail\":\"no such key\"}");
	json_decref(p);
}

static void problem_without_slug_is_about_blank(void **state)
{
	(void)state;
	json_t *p = problem_new(503, NULL, NULL, NULL);
	assert_json_equal(p, "{\"type\":\"about:blank\",\"title\":\"Service Unavailable\","
	                     "\"status\":503}");
	json_decref(p);
}

static void titles_follow_rfc_9110(void **state)
{
	(void)state;
	assert_string_equal(problem_title(413), "Content Too Large");
	assert_string_equal(problem_title(422), "Unprocessable Content");
	assert_string_equal(problem_title(415), "Unsupported Media Type");
	assert_string_equal(problem_title(405), "Method Not Allowed");
	assert_string_equal(problem_title(299), "Error");
}

static void validation_errors_carry_pointers(void **state)
{
	(void)state;
	json_t *errors = json_array();
	json_error_add(errors, "/events/3/amount", "must be 0 or more");
	json_t *p = problem_new(422, "validation", "1 field is invalid", errors);
	assert_json_equal(p, "{\"type\":\"urn:loyaltyd:problem:validation\","
	                     "\"title\":\"Unprocessable Content\",\"status\":422,"
	                     "\"detail\":\"1 field is invalid\",\"errors\":[{\"pointer\":"
	                     "\"/events/3/amount\",\"message\":\"must be 0 or more\"}]}");
	json_decref(p);
}

static void pointer_escapes_tilde_and_slash(void **state)
{
	char out[64];
	(void)state;
	validate_pointer(out, sizeof(out), "/attributes", "a/b~c");
	assert_string_equal(out, "/attributes/a~1b~0c");
	validate_pointer(out, sizeof(out), "", "name");
	assert_string_equal(out, "/name");
}

static void string_rules_are_checked(void **state)
{
	(void)state;
	json_t *errors = json_array();
	json_t *obj = json_pack("{s:s, s:i, s:s, s:s}", "empty", "", "num", 3, "ok", "Олена",
	                        "long", "abcdef");
	assert_null(validate_string(obj, "empty", "", 1, 10, true, errors));
	assert_null(validate_string(obj, "num", "", 1, 10, true, errors));
	assert_null(validate_string(obj, "missing", "", 1, 10, true, errors));
	assert_null(validate_string(obj, "optional", "", 1, 10, false, errors));
	/* five Cyrillic letters are five characters, not ten bytes */
	assert_string_equal(validate_string(obj, "ok", "", 1, 5, true, errors), "Олена");
	assert_null(validate_string(obj, "long", "/x", 1, 5, true, errors));
	assert_json_equal(
	    errors, "[{\"pointer\":\"/empty\",\"message\":\"must be 1 to 10 characters long\"},"
	            "{\"pointer\":\"/num\",\"message\":\"must be a string\"},"
	            "{\"pointer\":\"/missing\",\"message\":\"is required\"},"
	            "{\"pointer\":\"/x/long\",\"message\":\"must be 1 to 5 characters long\"}]");
	json_decref(errors);
	json_decref(obj);
}

static void unknown_fields_are_listed(void **state)
{
	(void)state;
	static const char *const allowed[] = {"name", "scopes", NULL};
	json_t *errors = json_array();
	json_t *obj = json_pack("{s:s, s:i}", "name", "x", "extra", 1);
	assert_int_equal(validate_known_fields(obj, allowed, "", errors), 1);
	assert_json_equal(errors, "[{\"pointer\":\"/extra\",\"message\":\"unknown field\"}]");
	json_decref(errors);
	json_decref(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(problem_has_type_title_status_detail),
	    cmocka_unit_test(problem_without_slug_is_about_blank),
	    cmocka_unit_test(titles_follow_rfc_9110),
	    cmocka_unit_test(validation_errors_carry_pointers),
	    cmocka_unit_test(pointer_escapes_tilde_and_slash),
	    cmocka_unit_test(string_rules_are_checked),
	    cmocka_unit_test(unknown_fields_are_listed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
