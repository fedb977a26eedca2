/* coupon_code.c - coupon codes. */
#include "domain/coupon_code.h"

#include <openssl/rand.h>
#include <string.h>

#define ALPHABET_LEN (sizeof(COUPON_ALPHABET) - 1)
#define ACCEPT_BELOW (256 - 256 % ALPHABET_LEN) /* 248: a multiple of 31 */

int coupon_code_from_bytes(const unsigned char *bytes, size_t n, size_t length, char *out)
{
	size_t made = 0;
	for (size_t i = 0; i < n && made < length; i++)
		if (bytes[i] < ACCEPT_BELOW)
			out[made++] = COUPON_ALPHABET[bytes[i] % ALPHABET_LEN];
	out[made] = '\0';
	return made == length ? 0 : -1;
}

int coupon_code_generate(size_t length, char *out)
{
	/* 8 bytes are refused out of 256: twice the length runs out once in ~10^30 draws */
	unsigned char rnd[2 * COUPON_RANDOM_MAX];
	if (length < 1 || length > COUPON_RANDOM_MAX)
		return -1;
	for (int tries = 0; tries < 4; tries++) {
		if (RAND_bytes(rnd, (int)(2 * length)) != 1)
			return -1;
		if (coupon_code_from_bytes(rnd, 2 * length, length, out) == 0)
			return 0;
	}
	return -1;
}

const char *coupon_code_normalize(const char *in, char *out)
{
	size_t n = strlen(in);
	if (n < 1 || n > COUPON_CODE_MAX)
		return "must be 1 to 64 characters";
	for (size_t i = 0; i < n; i++) {
		char ch = in[i];
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		else if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		           ch == '_'))
			return "may hold only letters A-Z, digits, '-' and '_'";
		out[i] = ch;
	}
	out[n] = '\0';
	return NULL;
}

bool coupon_prefix_ok(const char *prefix)
{
	size_t n = strlen(prefix);
	return n <= COUPON_PREFIX_MAX &&
	       strspn(prefix, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}
