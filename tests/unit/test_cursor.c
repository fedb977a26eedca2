/* test_cursor.c - cursors round-trip their position within their scope, and are refused,
 * each failure told apart, on another list, with other filters, or when forged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/cursor.h"

static const unsigned char where_a[4] = {0x01, 0x23, 0x45, 0x67};
static const unsigned char where_b[4] = {0x01, 0x23, 0x45, 0x68};
static const unsigned char filters_a[6] = {0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
static const unsigned char filters_b[6] = {0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x00};

static void scope_names_the_list_and_both_digests(void **state)
{
	char scope[CURSOR_SCOPE_MAX];
	(void)state;
	assert_int_equal(cursor_scope("customers", where_a, filters_a, scope), 0);
	assert_string_equal(scope, "customers.01234567.aabbccddeeff");
	assert_int_equal(cursor_scope("tier_changes", where_a, filters_a, scope), 0);
	assert_int_equal(cursor_scope("", where_a, filters_a, scope), -1);
	assert_int_equal(cursor_scope("Customers", where_a, filters_a, scope), -1);
	assert_int_equal(cursor_scope("a.b", where_a, filters_a, scope), -1);
	assert_int_equal(cursor_scope("thirteen_char", where_a, filters_a, scope), -1);
}

static void positions_round_trip(void **state)
{
	char scope[CURSOR_SCOPE_MAX], enc[CURSOR_MAX], dec[CURSOR_MAX];
	(void)state;
	assert_int_equal(cursor_scope("events", where_a, filters_a, scope), 0);
	const char *positions[] = {"1",
	                           "12",
	                           "123",
	                           "2026-03-01T11:00:00.000000Z|42",
	                           "2026-03-01T11:00:00.000000Z|999999999999999999",
	                           NULL};
	for (int i = 0; positions[i]; i++) {
		assert_int_equal(cursor_encode(scope, positions[i], enc), 0);
		assert_true(strlen(enc) < CURSOR_MAX);
		assert_int_equal(cursor_decode(enc, scope, dec, sizeof(dec)), CURSOR_OK);
		assert_string_equal(dec, positions[i]);
	}
	/* the payload is "<scope>.<position>", base64url without padding */
	assert_int_equal(cursor_encode("k.00000000.000000000000", "1", enc), 0);
	assert_string_equal(enc, "ay4wMDAwMDAwMC4wMDAwMDAwMDAwMDAuMQ");
}

static void another_list_or_other_filters_are_told_apart(void **state)
{
	char a[CURSOR_SCOPE_MAX], other[CURSOR_SCOPE_MAX], enc[CURSOR_MAX], dec[CURSOR_MAX];
	(void)state;
	assert_int_equal(cursor_scope("segment", where_a, filters_a, a), 0);
	assert_int_equal(cursor_encode(a, "41", enc), 0);
	/* another list name, the same digests */
	assert_int_equal(cursor_scope("customers", where_a, filters_a, other), 0);
	assert_int_equal(cursor_decode(enc, other, dec, sizeof(dec)), CURSOR_OTHER_LIST);
	assert_string_equal(dec, "");
	/* the same list of another resource (another segment: other path parameters) */
	assert_int_equal(cursor_scope("segment", where_b, filters_a, other), 0);
	assert_int_equal(cursor_decode(enc, other, dec, sizeof(dec)), CURSOR_OTHER_LIST);
	/* the same list, other filters */
	assert_int_equal(cursor_scope("segment", where_a, filters_b, other), 0);
	assert_int_equal(cursor_decode(enc, other, dec, sizeof(dec)), CURSOR_OTHER_FILTERS);
	assert_string_equal(dec, "");
}

static void forgeries_and_old_cursors_are_foreign(void **state)
{
	char scope[CURSOR_SCOPE_MAX], enc[CURSOR_MAX], dec[CURSOR_MAX];
	(void)state;
	assert_int_equal(cursor_scope("keys", where_a, filters_a, scope), 0);
	static const char *const foreign[] = {
	    "",
	    "M",
	    "!!!!",
	    "JyBPUiAxPTE", /* "' OR 1=1" */
	    "MQ",          /* "1": a cursor of the versions before scopes */
	    "MjAyNi0wMy0wMVQxMTowMDowMC4wMDAwMDBafDQy", /* "2026-03-01T11:00:00.000000Z|42" */
	    "a2V5cy4wMTIzNDU2Ny5hYWJiY2NkZGVlZmYu",     /* "keys.01234567.aabbccddeeff." */
	    "a2V5cy4wMTIzNDU2Ny5hYWJiY2NkZGVlLjE",      /* "keys.01234567.aabbccddee.1" */
	    NULL,
	};
	for (int i = 0; foreign[i]; i++)
		if (cursor_decode(foreign[i], scope, dec, sizeof(dec)) != CURSOR_FOREIGN)
			fail_msg("%s was taken", foreign[i]);
	/* a position that does not fit the caller's buffer is not taken either */
	assert_int_equal(cursor_encode(scope, "123456", enc), 0);
	assert_int_equal(cursor_decode(enc, scope, dec, 4), CURSOR_FOREIGN);
}

static void encode_refuses_what_it_cannot_carry(void **state)
{
	char scope[CURSOR_SCOPE_MAX], enc[CURSOR_MAX], position[CURSOR_PAYLOAD_MAX + 1];
	(void)state;
	assert_int_equal(cursor_scope("responses", where_a, filters_a, scope), 0);
	assert_int_equal(cursor_encode(scope, "", enc), -1);
	assert_int_equal(cursor_encode(scope, "a b", enc), -1);
	assert_int_equal(cursor_encode(scope, "a\"b", enc), -1);
	size_t room = CURSOR_PAYLOAD_MAX - strlen(scope) - 1;
	memset(position, '7', room);
	position[room] = '\0';
	assert_int_equal(cursor_encode(scope, position, enc), 0);
	position[room] = '7';
	position[room + 1] = '\0';
	assert_int_equal(cursor_encode(scope, position, enc), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(scope_names_the_list_and_both_digests),
	    cmocka_unit_test(positions_round_trip),
	    cmocka_unit_test(another_list_or_other_filters_are_told_apart),
	    cmocka_unit_test(forgeries_and_old_cursors_are_foreign),
	    cmocka_unit_test(encode_refuses_what_it_cannot_carry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
