/* apikey.h - API key secrets: generation, shape check and hashing. Pure, no I/O but the
 * random bytes.
 *
 * A key is "lk_" followed by 43 base64url characters (32 random bytes, 256 bits). Only
 * its SHA-256 is stored; its first APIKEY_PREFIX_LEN characters are stored in clear to
 * find the row and to let an owner recognise the key in a list. */
#ifndef LOYALTYD_APIKEY_H
#define LOYALTYD_APIKEY_H

#include <stdbool.h>
#include <stddef.h>

#define APIKEY_LEN 46
#define APIKEY_PREFIX_LEN 12
#define APIKEY_HASH_LEN 32

/* Writes a new random key and its NUL into key. Returns 0, or -1 when the system could
 * not supply random bytes. */
__attribute__((warn_unused_result)) int apikey_generate(char key[APIKEY_LEN + 1]);

/* Returns true when key has the shape of a key (prefix, length, alphabet). */
bool apikey_well_formed(const char *key);

/* SHA-256 of the key's characters. */
void apikey_hash(const char *key, unsigned char out[APIKEY_HASH_LEN]);

#endif
