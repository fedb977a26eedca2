/* hmac.c - HMAC-SHA256. */
#include "base/hmac.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

int hmac_sha256(const void *key, size_t key_len, const void *data, size_t data_len,
                unsigned char out[HMAC_SHA256_LEN])
{
	unsigned int n = 0;
	/* HMAC() takes a NULL data pointer for an empty message badly on some versions */
	static const unsigned char empty[1];
	const unsigned char *d = data_len ? (const unsigned char *)data : empty;
	if (key_len > 0x7fffffff || !HMAC(EVP_sha256(), key, (int)key_len, d, data_len, out, &n) ||
	    n != HMAC_SHA256_LEN)
		return -1;
	return 0;
}
