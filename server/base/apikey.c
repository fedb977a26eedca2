/* apikey.c - key secrets. */
#include "base/apikey.h"

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
