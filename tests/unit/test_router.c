/* test_router.c - route matching: literals, parameters, encoded '/', HEAD, 404/405. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/scope.h"
#include "http/router.h"

static int h(struct request *req)
{
	(void)req;
	return 0;
}

static const struct route table[] = {
    {"GET", "/healthz", AUTH_NONE, 0, h, 0, NULL},
    {"POST", "/v1/keys", AUTH_KEY, SCOPE_ADMIN, h, 0, NULL},
    {"GET", "/v1/keys", AUTH_KEY, SCOPE_ADMIN, h, 0, NULL},
    {"DELETE", "/v1/keys/{id}", AUTH_KEY, SCOPE_ADMIN, h, 0, NULL},
    {"GET", "/v1/customers/{external_id}", AUTH_KEY, SCOPE_READ, h, 0, NULL},
    {"PUT", "/v1/customers/{external_id}", AUTH_KEY, SCOPE_INGEST, h, 0, NULL},
    {"GET", "/v1/customers/{external_id}/events", AUTH_KEY, SCOPE_READ, h, 0, NULL},
    {"GET", "/v1/segments/{name}/customers", AUTH_KEY, SCOPE_READ, h, 0, NULL},
};
#define N (sizeof(table) / sizeof(table[0]))

static void literal_route_matches(void **state)
{
	struct router_match m;
	(void)state;
	assert_int_equal(router_match(table, N, "GET", "/healthz", &m), ROUTER_MATCH);
	assert_ptr_equal(m.route, &table[0]);
	assert_int_equal(m.nparams, 0);
}

static void method_selects_among_same_path(void **state)
{
	struct router_match m;
	(void)state;
	assert_int_equal(router_match(table, N, "POST", "/v1/keys", &m), ROUTER_MATCH);
	assert_int_equal(m.index, 1);
	assert_int_equal(router_match(table, N, "GET", "/v1/keys", &m), ROUTER_MATCH);
	assert_int_equal(m.index, 2);
}

static void parameter_is_captured_and_decoded(void **state)
{
	struct router_match m;
	(void)state;
	assert_int_equal(router_match(table, N, "GET", "/v1/customers/a%2Fb%20c", &m),
	                 ROUTER_MATCH);
	assert_string_equal(router_param(&m, "external_id"), "a/b c");
	assert_null(router_param(&m, "id"));
}

static void cyrillic_parameter_is_decoded(void **state)
{
	struct router_match m;
	(void)state;
	/* "Олена" percent-encoded as UTF-8 */
	assert_int_equal(router_match(table, N, "GET",
	                              "/v1/customers/%D0%9E%D0%BB%D0%B5%D0%BD%D0%B0/events", &m),
	                 ROUTER_MATCH);
	assert_int_equal(m.index, 6);
	assert_string_equal(router_param(&m, "external_id"), "Олена");
}

static void encoded_slash_does_not_split_segments(void **state)
{
	struct router_match m;
	(void)state;
	/* a raw '/' makes it a different (unknown) path; an encoded one stays in the id */
	assert_int_equal(router_match(table, N, "GET", "/v1/customers/a/b", &m), ROUTER_NO_PATH);
	assert_int_equal(router_match(table, N, "GET", "/v1/customers/a%2Fevents", &m),
	                 ROUTER_MATCH);
	assert_int_equal(m.index, 4);
}

static void unknown_path_is_404(void **state)
{
	struct router_match m;
	(void)state;
	assert_int_equal(router_match(table, N, "GET", "/nope", &m), ROUTER_NO_PATH);
	assert_int_equal(router_match(table, N, "GET", "/healthz/", &m), ROUTER_NO_PATH);
	assert_int_equal(router_match(table, N, "GET", "/v1/customers/", &m), ROUTER_NO_PATH);
	assert_int_equal(router_match(table, N, "GET", "/v1/keysx", &m), ROUTER_NO_PATH);
}

static void wrong_method_is_405_with_allow(void **state)
{
	struct router_match m;
	(void)state;
	assert_int_equal(router_match(table, N, "PUT", "/v1/keys", &m), ROUTER_NO_METHOD);
	assert_string_equal(m.allow, "POST, GET, HEAD, OPTIONS");
	assert_int_equal(router_match(table, N, "POST", "/v1/customers/x", &m), ROUTER_NO_METHOD);
	assert_string_equal(m.allow, "GET, HEAD, PUT, OPTIONS");
	assert_int_equal(router_match(table, N, "GET", "/v1/keys/abc", &m), ROUTER_NO_METHOD);
	assert_string_equal(m.allow, "DELETE, OPTIONS");
}

static void head_matches_get(void **state)
{
	struct router_match m;
	(void)state;
	assert_int_equal(router_match(table, N, "HEAD", "/healthz", &m), ROUTER_MATCH);
	assert_ptr_equal(m.route, &table[0]);
}

static void bad_escapes_are_rejected(void **state)
{
	struct router_match m;
	(void)state;
	assert_int_equal(router_match(table, N, "GET", "/v1/customers/%zz", &m), ROUTER_BAD_PATH);
	assert_int_equal(router_match(table, N, "GET", "/v1/customers/%00", &m), ROUTER_BAD_PATH);
	assert_int_equal(router_match(table, N, "GET", "/v1/customers/ab%2", &m), ROUTER_BAD_PATH);
	assert_int_equal(router_match(table, N, "GET", "relative", &m), ROUTER_BAD_PATH);
}

static void overlong_path_is_rejected(void **state)
{
	struct router_match m;
	char path[ROUTER_MAX_PATH + 64];
	(void)state;
	memcpy(path, "/v1/customers/", 14);
	memset(path + 14, 'x', sizeof(path) - 15);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(router_match(table, N, "GET", path, &m), ROUTER_BAD_PATH);
}

static void percent_decode_handles_plus(void **state)
{
	char out[32];
	(void)state;
	assert_int_equal(router_percent_decode("a+b%2B", 6, out, sizeof(out), true), 4);
	assert_string_equal(out, "a b+");
	assert_int_equal(router_percent_decode("a+b", 3, out, sizeof(out), false), 3);
	assert_string_equal(out, "a+b");
	assert_int_equal(router_percent_decode("abcdef", 6, out, 4, false), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(literal_route_matches),
	    cmocka_unit_test(method_selects_among_same_path),
	    cmocka_unit_test(parameter_is_captured_and_decoded),
	    cmocka_unit_test(cyrillic_parameter_is_decoded),
	    cmocka_unit_test(encoded_slash_does_not_split_segments),
	    cmocka_unit_test(unknown_path_is_404),
	    cmocka_unit_test(wrong_method_is_405_with_allow),
	    cmocka_unit_test(head_matches_get),
	    cmocka_unit_test(bad_escapes_are_rejected),
	    cmocka_unit_test(overlong_path_is_rejected),
	    cmocka_unit_test(percent_decode_handles_plus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
