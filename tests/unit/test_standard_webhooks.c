/* test_standard_webhooks.c - Standard Webhooks secrets and signatures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/standard_webhooks.h"

static const char *const VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
static const char *const VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
static const char *const VECTOR_BODY = "{\"test\": 2432232314}";

/* The specification's published vector (the reference libraries test the same). */
static void published_vector_signs_exactly(void **state)
{
	(void)state;
	char out[2 * (SWH_SIGNATURE_LEN + 1)];
	const char *secrets[] = {VECTOR_SECRET};
	int n = swh_sign(VECTOR_ID, 1614265330, VECTOR_BODY, strlen(VECTOR_BODY), secrets, 1, out,
	                 sizeof(out));
	assert_int_equal(n, SWH_SIGNATURE_LEN);
	assert_string_equal(out, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

static void every_live_secret_signs(void **state)
{
	(void)state;
	char other[SWH_SECRET_LEN + 1], out[2 * (SWH_SIGNATURE_LEN + 1)],
	    alone[SWH_SIGNATURE_LEN + 1];
	assert_int_equal(swh_secret_generate(other), 0);
	const char *both[] = {other, VECTOR_SECRET};
	int n = swh_sign(VECTOR_ID, 1614265330, VECTOR_BODY, strlen(VECTOR_BODY), both, 2, out,
	                 sizeof(out));
	assert_int_equal(n, 2 * SWH_SIGNATURE_LEN + 1);
	assert_int_equal(out[SWH_SIGNATURE_LEN], ' ');
	assert_string_equal(out + SWH_SIGNATURE_LEN + 1,
	                    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	/* the other is the other secret's own signature */
	assert_int_equal(swh_sign(VECTOR_ID, 1614265330, VECTOR_BODY, strlen(VECTOR_BODY), both, 1,
	                          alone, sizeof(alone)),
	                 SWH_SIGNATURE_LEN);
	assert_memory_equal(out, alone, SWH_SIGNATURE_LEN);
	/* too small a buffer, no secret, a bad secret: refused */
	assert_int_equal(swh_sign(VECTOR_ID, 1, "", 0, both, 2, out, 2 * SWH_SIGNATURE_LEN), -1);
	assert_int_equal(swh_sign(VECTOR_ID, 1, "", 0, both, 0, out, sizeof(out)), -1);
	const char *bad[] = {"whsec_short"};
	assert_int_equal(swh_sign(VECTOR_ID, 1, "", 0, bad, 1, out, sizeof(out)), -1);
}

static void signature_covers_id_timestamp_and_body(void **state)
{
	(void)state;
	const char *secrets[] = {VECTOR_SECRET};
	char a[SWH_SIGNATURE_LEN + 1], b[SWH_SIGNATURE_LEN + 1];
	assert_int_equal(swh_sign(VECTOR_ID, 1614265330, VECTOR_BODY, strlen(VECTOR_BODY), secrets,
	                          1, a, sizeof(a)),
	                 SWH_SIGNATURE_LEN);
	assert_int_equal(swh_sign(VECTOR_ID, 1614265331, VECTOR_BODY, strlen(VECTOR_BODY), secrets,
	                          1, b, sizeof(b)),
	                 SWH_SIGNATURE_LEN);
	assert_string_not_equal(a, b);
	assert_int_equal(swh_sign("msg_p5jXN8AQM9LWM0D4loKWxJel", 1614265330, VECTOR_BODY,
	                          strlen(VECTOR_BODY), secrets, 1, b, sizeof(b)),
	                 SWH_SIGNATURE_LEN);
	assert_string_not_equal(a, b);
	assert_int_equal(swh_sign(VECTOR_ID, 1614265330, VECTOR_BODY, strlen(VECTOR_BODY) - 1,
	                          secrets, 1, b, sizeof(b)),
	                 SWH_SIGNATURE_LEN);
	assert_string_not_equal(a, b);
}

static void generated_secrets_are_valid_and_differ(void **state)
{
	(void)state;
	char a[SWH_SECRET_LEN + 1], b[SWH_SECRET_LEN + 1];
	assert_int_equal(swh_secret_generate(a), 0);
	assert_int_equal(swh_secret_generate(b), 0);
	assert_int_equal(strlen(a), SWH_SECRET_LEN);
	assert_memory_equal(a, "whsec_", 6);
	assert_null(swh_secret_check(a));
	assert_string_not_equal(a, b);
}

static void secret_formats(void **state)
{
	(void)state;
	/* 24 bytes (the vector), 32 bytes (one '='), 64 bytes (two '=') */
	assert_null(swh_secret_check(VECTOR_SECRET));
	assert_null(swh_secret_check("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));
	assert_null(
	    swh_secret_check("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKiss"
	                     "LS4vMDEyMzQ1Njc4OTo7PD0+Pw=="));
	static const char *const bad_prefix[] = {"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	                                         "WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	                                         "whsec-MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", ""};
	for (size_t i = 0; i < sizeof(bad_prefix) / sizeof(bad_prefix[0]); i++)
		assert_string_equal(swh_secret_check(bad_prefix[i]), "must start with whsec_");
	static const char *const not_base64[] = {
	    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS",              /* not a multiple of 4 */
	    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS-",             /* base64url */
	    "whsec_MfKQ9r8GKYqrTwjUPD8I PZIo2LaLaSw",             /* a space */
	    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa=w",             /* '=' inside */
	    "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=", /* bits past the last byte */
	};
	for (size_t i = 0; i < sizeof(not_base64) / sizeof(not_base64[0]); i++)
		assert_string_equal(
		    swh_secret_check(not_base64[i]),
		    "must be whsec_ followed by base64 (A-Z a-z 0-9 + /, padded with =)");
	static const char *const bad_size[] = {
	    "whsec_",
	    "whsec_AAECAwQFBgcICQoLDA0ODw==",         /* 16 bytes */
	    "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRY=", /* 23 bytes */
	    "whsec_"
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+"
	    "P0BB", /* 66 bytes */
	    "whsec_"
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+"
	    "P0BBAAAA", /* longer than any valid secret */
	};
	for (size_t i = 0; i < sizeof(bad_size) / sizeof(bad_size[0]); i++)
		assert_string_equal(swh_secret_check(bad_size[i]),
		                    "must be whsec_ followed by the base64 of 24 to 64 bytes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(published_vector_signs_exactly),
	    cmocka_unit_test(every_live_secret_signs),
	    cmocka_unit_test(signature_covers_id_timestamp_and_body),
	    cmocka_unit_test(generated_secrets_are_valid_and_differ),
	    cmocka_unit_test(secret_formats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
