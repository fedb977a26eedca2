/* test_identity.c - customer_hash verification. The expected hashes were computed outside
 * loyaltyd, by Python's hmac module (hmac.new(secret, id, sha256).hexdigest()). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/identity.h"

#define SECRET_A "lis_00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define SECRET_B "lis_ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
#define HASH_A_C42 "7b2618cdcb3ad771adea1e25f3cd509af56356f371cb5444483252a2889ecbbd"
/* the id "Ольга+1" in UTF-8 under SECRET_B */
#define HASH_B_OLGA "527245fe7e7fc83b9b3519b06df5b132c4ded36f831c14c697d9f8879255a369"

static void matches_known_hashes(void **state)
{
	(void)state;
	assert_true(identity_hash_matches(SECRET_A, "c-42", HASH_A_C42));
	assert_true(identity_hash_matches(SECRET_B, "\xD0\x9E\xD0\xBB\xD1\x8C\xD0\xB3\xD0\xB0+1",
	                                  HASH_B_OLGA));
	/* upper-case digits are the same hash */
	assert_true(identity_hash_matches(
	    SECRET_A, "c-42", "7B2618CDCB3AD771ADEA1E25F3CD509AF56356F371CB5444483252A2889ECBBD"));
}

static void refuses_other_customers_secrets_and_shapes(void **state)
{
	(void)state;
	assert_false(identity_hash_matches(SECRET_A, "c-43", HASH_A_C42)); /* another customer */
	assert_false(identity_hash_matches(SECRET_B, "c-42", HASH_A_C42)); /* another secret */
	assert_false(identity_hash_matches(SECRET_A, "c-42 ", HASH_A_C42));
	/* one digit changed, at the start and at the end */
	assert_false(identity_hash_matches(
	    SECRET_A, "c-42", "8b2618cdcb3ad771adea1e25f3cd509af56356f371cb5444483252a2889ecbbd"));
	assert_false(identity_hash_matches(
	    SECRET_A, "c-42", "7b2618cdcb3ad771adea1e25f3cd509af56356f371cb5444483252a2889ecbbe"));
	/* shorter, longer, not hex, empty */
	assert_false(identity_hash_matches(
	    SECRET_A, "c-42", "7b2618cdcb3ad771adea1e25f3cd509af56356f371cb5444483252a2889ecbb"));
	assert_false(identity_hash_matches(SECRET_A, "c-42", HASH_A_C42 "0"));
	assert_false(identity_hash_matches(
	    SECRET_A, "c-42", "zb2618cdcb3ad771adea1e25f3cd509af56356f371cb5444483252a2889ecbbd"));
	assert_false(identity_hash_matches(SECRET_A, "c-42", ""));
	assert_false(identity_hash_well_formed(HASH_A_C42 " "));
	assert_true(identity_hash_well_formed(HASH_A_C42));
}

static void generates_distinct_well_shaped_secrets(void **state)
{
	(void)state;
	char a[IDENTITY_SECRET_LEN + 1], b[IDENTITY_SECRET_LEN + 1];
	assert_int_equal(identity_secret_generate(a), 0);
	assert_int_equal(identity_secret_generate(b), 0);
	assert_int_equal(strlen(a), IDENTITY_SECRET_LEN);
	assert_memory_equal(a, "lis_", 4);
	assert_int_equal(strspn(a + 4, "0123456789abcdef"), 64);
	assert_string_not_equal(a, b);
}

static void verdicts(void **state)
{
	(void)state;
	struct identity_secrets none = {0}, two = {.n = 2};
	memcpy(two.secret[0], SECRET_A, sizeof(SECRET_A));
	memcpy(two.secret[1], SECRET_B, sizeof(SECRET_B));
	/* not required: whatever comes */
	assert_int_equal(identity_verify(&none, "c-42", NULL), IDENTITY_NOT_REQUIRED);
	assert_int_equal(identity_verify(&none, "c-42", HASH_B_OLGA), IDENTITY_NOT_REQUIRED);
	/* required: an anonymous answer names nobody to prove */
	assert_int_equal(identity_verify(&two, NULL, NULL), IDENTITY_NOT_REQUIRED);
	assert_int_equal(identity_verify(&two, "c-42", NULL), IDENTITY_MISSING);
	assert_int_equal(identity_verify(&two, "c-42", HASH_A_C42), IDENTITY_PROVEN);
	/* the second secret verifies too (rotation) */
	assert_int_equal(
	    identity_verify(&two, "\xD0\x9E\xD0\xBB\xD1\x8C\xD0\xB3\xD0\xB0+1", HASH_B_OLGA),
	    IDENTITY_PROVEN);
	assert_int_equal(identity_verify(&two, "c-43", HASH_A_C42), IDENTITY_WRONG);
	two.n = 1; /* the second secret retired: its hashes no longer prove */
	assert_int_equal(
	    identity_verify(&two, "\xD0\x9E\xD0\xBB\xD1\x8C\xD0\xB3\xD0\xB0+1", HASH_B_OLGA),
	    IDENTITY_WRONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(matches_known_hashes),
	    cmocka_unit_test(refuses_other_customers_secrets_and_shapes),
	    cmocka_unit_test(generates_distinct_well_shaped_secrets),
	    cmocka_unit_test(verdicts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
