/* coupon_code.h - coupon codes: made from an unambiguous alphabet (no 0/O, 1/I/L), matched
 * without regard to case. Pure code, except coupon_code_generate, which draws from
 * OpenSSL's RAND_bytes. */
#ifndef LOYALTYD_COUPON_CODE_H
#define LOYALTYD_COUPON_CODE_H

#include <stdbool.h>
#include <stddef.h>

/* The 31 characters of generated codes: 2-9 and A-Z without I, L and O. */
#define COUPON_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#define COUPON_CODE_MAX 64   /* characters of any code, imported ones included */
#define COUPON_PREFIX_MAX 16 /* characters of a generated code's prefix */
#define COUPON_RANDOM_MIN 6  /* random characters of a generated code, at least */
#define COUPON_RANDOM_MAX 32 /* and at most */

/* Writes length (COUPON_RANDOM_MIN..MAX) characters of COUPON_ALPHABET drawn uniformly
 * from bytes[0..n) into out (length + 1 bytes): each byte below 248 (= 31 × 8) gives
 * alphabet[byte % 31], the others are skipped, so no character is likelier than another.
 * Returns 0, or -1 when the bytes ran out first (draw more and call again). */
int coupon_code_from_bytes(const unsigned char *bytes, size_t n, size_t length, char *out);

/* Writes length random characters of COUPON_ALPHABET into out (length + 1 bytes).
 * Returns 0, or -1 when the random source failed. */
int coupon_code_generate(size_t length, char *out);

/* Checks a code as a client gives it (a path, a CSV line) and writes it upper-cased into
 * out (COUPON_CODE_MAX + 1 bytes): 1 to 64 of A-Z, a-z, 0-9, '-' and '_'. Returns NULL,
 * or the message of the refusal. */
const char *coupon_code_normalize(const char *in, char *out);

/* Whether prefix is a valid prefix of generated codes: 0 to 16 of A-Z, 0-9 and '-'. */
bool coupon_prefix_ok(const char *prefix);

#endif
