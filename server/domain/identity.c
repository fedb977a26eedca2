/* identity.c - customer_hash: HMAC-SHA256 of the customer id under a tenant secret. */
#include "domain/identity.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <string.h>

#include "base/hex.h"
#include "base/hmac.h"

#define MAC_LEN HMAC_SHA256_LEN

int identity_secret_generate(char out[IDENTITY_SECRET_LEN + 1])
{
	unsigned char rnd[MAC_LEN];
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -1;
	memcpy(out, "lis_", 4);
	hex_encode(rnd, sizeof(rnd), out + 4);
	OPENSSL_cleanse(rnd, sizeof(rnd));
	return 0;
}

bool identity_hash_well_formed(const char *hash)
{
	unsigned char mac[MAC_LEN];
	return strlen(hash) == IDENTITY_HASH_LEN && hex_decode(hash, mac, sizeof(mac)) == 0;
}

bool identity_hash_matches(const char *secret, const char *customer_id, const char *hash)
{
	unsigned char want[MAC_LEN], got[MAC_LEN];
	if (!identity_hash_well_formed(hash) || hex_decode(hash, got, sizeof(got)) != 0 ||
	    hmac_sha256(secret, strlen(secret), customer_id, strlen(customer_id), want) != 0)
		return false;
	return CRYPTO_memcmp(want, got, MAC_LEN) == 0;
}

enum identity_verdict identity_verify(const struct identity_secrets *keys, const char *customer_id,
                                      const char *hash)
{
	if (keys->n == 0 || !customer_id)
		return IDENTITY_NOT_REQUIRED;
	if (!hash)
		return IDENTITY_MISSING;
	bool ok = false;
	for (int i = 0; i < keys->n; i++) /* every secret, whichever matches */
		ok |= identity_hash_matches(keys->secret[i], customer_id, hash);
	return ok ? IDENTITY_PROVEN : IDENTITY_WRONG;
}
