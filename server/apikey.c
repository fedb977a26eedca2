/* apikey.c - key secrets. */
#include "apikey.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int apikey_generate(char key[APIKEY_LEN + 1])
{
	unsigned char rnd[33]; /* 32 random bytes, padded to a multiple of 3 */
	if (RAND_bytes(rnd, 32) != 1)
		return -1;
	rnd[32] = 0;
	char *o = key;
	memcpy(o, "lk_", 3);
	o += 3;
	for (size_t i = 0; i < 33; i += 3) {
		unsigned v = (unsigned)rnd[i] << 16 | (unsigned)rnd[i + 1] << 8 | rnd[i + 2];
		*o++ = b64url[(v >> 18) & 63];
		*o++ = b64url[(v >> 12) & 63];
		*o++ = b64url[(v >> 6) & 63];
		*o++ = b64url[v & 63];
	}
	/* 44 characters were written for 33 bytes; the 32 random bytes need 43. */
	key[APIKEY_LEN] = '\0';
	return 0;
}

bool apikey_well_formed(const char *key)
{
	if (!key || strncmp(key, "lk_", 3) != 0 || strlen(key) != APIKEY_LEN)
		return false;
	for (size_t i = 3; i < APIKEY_LEN; i++)
		if (!memchr(b64url, key[i], sizeof(b64url) - 1))
			return false;
	return true;
}

void apikey_hash(const char *key, unsigned char out[APIKEY_HASH_LEN])
{
	EVP_Digest(key, strlen(key), out, NULL, EVP_sha256(), NULL);
}

void apikey_hex(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int apikey_unhex(const char *hex, unsigned char *out, size_t n)
{
	if (strlen(hex) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}
