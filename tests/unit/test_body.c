/* test_body.c - the request body limit, and the bounded string buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/json_util.h"
#include "base/sbuf.h"
#include "http/body.h"
#include "http/http.h"

static void pieces_accumulate(void **state)
{
	struct body b;
	(void)state;
	body_init(&b, 16);
	assert_int_equal(body_append(&b, "{\"a\":", 5), 0);
	assert_int_equal(body_append(&b, "1}", 2), 0);
	assert_int_equal(b.len, 7);
	assert_string_equal(b.data, "{\"a\":1}");
	body_release(&b);
	assert_null(b.data);
}

static void exactly_the_limit_is_accepted(void **state)
{
	struct body b;
	(void)state;
	body_init(&b, 8);
	assert_int_equal(body_append(&b, "1234", 4), 0);
	assert_int_equal(body_append(&b, "5678", 4), 0);
	assert_false(b.too_big);
	assert_int_equal(b.len, 8);
	body_release(&b);
}

static void one_byte_over_is_too_big_and_freed(void **state)
{
	struct body b;
	(void)state;
	body_init(&b, 8);
	assert_int_equal(body_append(&b, "1234", 4), 0);
	assert_int_equal(body_append(&b, "56789", 5), -1);
	assert_true(b.too_big);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	/* and it stays refused */
	assert_int_equal(body_append(&b, "x", 1), -1);
	body_release(&b);
}

static void huge_piece_does_not_overflow(void **state)
{
	struct body b;
	(void)state;
	body_init(&b, 8);
	assert_int_equal(body_append(&b, "12", 2), 0);
	assert_int_equal(body_append(&b, "x", SIZE_MAX - 1), -1);
	assert_true(b.too_big);
	body_release(&b);
}

static void sbuf_stops_at_its_maximum(void **state)
{
	struct sbuf s;
	(void)state;
	sbuf_init(&s, 10);
	assert_int_equal(sbuf_printf(&s, "%d-%s", 42, "abc"), 0);
	assert_int_equal(sbuf_printf(&s, "%s", "wxyz"), 0); /* exactly 10 */
	assert_int_equal(sbuf_printf(&s, "%s", "!"), -1);
	assert_null(sbuf_detach(&s, NULL));
	sbuf_release(&s);
	sbuf_init(&s, 1000);
	assert_int_equal(sbuf_printf(&s, "%0600d", 7), 0); /* longer than the stack buffer */
	size_t len = 0;
	char *out = sbuf_detach(&s, &len);
	assert_int_equal(len, 600);
	assert_int_equal(out[599], '7');
	free(out);
}

static void json_depth_counts_containers(void **state)
{
	(void)state;
	json_t *scalar = json_integer(1);
	json_t *nested = json_loads("{\"a\":[1,{\"b\":[]}],\"c\":2}", 0, NULL);
	assert_int_equal(json_depth(scalar), 0);
	assert_int_equal(json_depth(nested), 4);
	json_decref(scalar);
	json_decref(nested);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pieces_accumulate),
	    cmocka_unit_test(exactly_the_limit_is_accepted),
	    cmocka_unit_test(one_byte_over_is_too_big_and_freed),
	    cmocka_unit_test(huge_piece_does_not_overflow),
	    cmocka_unit_test(sbuf_stops_at_its_maximum),
	    cmocka_unit_test(json_depth_counts_containers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
