/* test_apikey.c - key shape, hashing and scope names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/apikey.h"
#include "base/hex.h"
#include "dispatch/auth.h"
#include "domain/scope.h"
#include "http/router.h"

static void generated_keys_are_well_formed_and_distinct(void **state)
{
	char a[APIKEY_LEN + 1], b[APIKEY_LEN + 1];
	(void)state;
	assert_int_equal(apikey_generate(a), 0);
	assert_int_equal(apikey_generate(b), 0);
	assert_int_equal(strlen(a), 46);
	assert_memory_equal(a, "lk_", 3);
	assert_true(apikey_well_formed(a));
	assert_string_not_equal(a, b);
}

static void malformed_keys_are_refused(void **state)
{
	(void)state;
	assert_false(apikey_well_formed(NULL));
	assert_false(apikey_well_formed(""));
	assert_false(apikey_well_formed("lk_short"));
	assert_false(apikey_well_formed("sk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
	assert_false(apikey_well_formed("lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!"));
	assert_true(apikey_well_formed("lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-_9"));
}

static void hash_is_sha256_of_the_key(void **state)
{
	unsigned char h[APIKEY_HASH_LEN];
	char hex[2 * APIKEY_HASH_LEN + 1];
	(void)state;
	apikey_hash("abc", h);
	hex_encode(h, sizeof(h), hex);
	/* FIPS 180-2 test vector */
	assert_string_equal(hex,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	unsigned char back[APIKEY_HASH_LEN];
	assert_int_equal(hex_decode(hex, back, sizeof(back)), 0);
	assert_memory_equal(back, h, sizeof(h));
	assert_int_equal(hex_decode("zz", back, 1), -1);
	assert_int_equal(hex_decode("abc", back, 1), -1);
}

static void bearer_header_is_parsed(void **state)
{
	(void)state;
	assert_string_equal(auth_bearer("Bearer lk_x"), "lk_x");
	assert_string_equal(auth_bearer("bearer   lk_x"), "lk_x");
	assert_null(auth_bearer("Basic abc"));
	assert_null(auth_bearer("Bearer "));
	assert_null(auth_bearer(NULL));
}

static void scopes_round_trip(void **state)
{
	char pg[64];
	(void)state;
	assert_int_equal(scope_from_name("read"), SCOPE_READ);
	assert_int_equal(scope_from_name("Read"), 0);
	scopes_pg(SCOPE_READ | SCOPE_ADMIN | SCOPE_INGEST, pg, sizeof(pg));
	assert_string_equal(pg, "{ingest,read,admin}");
	assert_int_equal(scopes_parse_pg(pg), SCOPE_READ | SCOPE_ADMIN | SCOPE_INGEST);
	scopes_pg(SCOPE_ALL, pg, sizeof(pg));
	assert_string_equal(pg, "{respond,ingest,read,points,admin}");
	assert_int_equal(scopes_parse_pg("{}"), 0);
	json_t *names = scopes_json(SCOPE_POINTS | SCOPE_RESPOND);
	char *text = json_dumps(names, JSON_COMPACT);
	assert_string_equal(text, "[\"respond\",\"points\"]");
	free(text);
	json_decref(names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(generated_keys_are_well_formed_and_distinct),
	    cmocka_unit_test(malformed_keys_are_refused),
	    cmocka_unit_test(hash_is_sha256_of_the_key),
	    cmocka_unit_test(bearer_header_is_parsed),
	    cmocka_unit_test(scopes_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
