/* identity.h - identity verification of survey answers from web pages. Pure code: no I/O
 * but the random bytes of a new secret.
 *
 * A shop's backend proves to loyaltyd that a page was shown to customer c by putting
 * customer_hash = hex(HMAC-SHA256(key = the secret's characters, message = c's
 * characters)) beside customer_id in the page; the visitor cannot compute it for another
 * customer. A secret is "lis_" and 64 lowercase hex digits (32 random bytes). */
#ifndef LOYALTYD_IDENTITY_H
#define LOYALTYD_IDENTITY_H

#include <stdbool.h>

#define IDENTITY_SECRET_LEN 68
#define IDENTITY_HASH_LEN 64
#define IDENTITY_SECRETS_MAX 2

/* Writes a new random secret and its NUL into out. Returns 0, or -1 when the system could
 * not supply random bytes. */
__attribute__((warn_unused_result)) int identity_secret_generate(char out[IDENTITY_SECRET_LEN + 1]);

/* Returns true when hash is 64 hex digits (either case). */
bool identity_hash_well_formed(const char *hash);

/* Returns true when hash is the customer_hash of customer_id under secret. Takes the same
 * time whatever the hash holds. */
bool identity_hash_matches(const char *secret, const char *customer_id, const char *hash);

/* The secrets that verify a customer_hash; n is 0 when the tenant does not require
 * verification. */
struct identity_secrets {
	int n;
	char secret[IDENTITY_SECRETS_MAX][IDENTITY_SECRET_LEN + 1];
};

enum identity_verdict {
	IDENTITY_NOT_REQUIRED, /* the tenant does not verify, or the answer names nobody */
	IDENTITY_PROVEN,       /* the hash is customer_id's under one of the secrets */
	IDENTITY_MISSING,      /* required, and no hash came */
	IDENTITY_WRONG         /* required, and the hash is not customer_id's */
};

/* The verdict on an answer naming customer_id (NULL: anonymous) with hash (NULL: none)
 * under the tenant's secrets. */
enum identity_verdict identity_verify(const struct identity_secrets *keys, const char *customer_id,
                                      const char *hash);

#endif
