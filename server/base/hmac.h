/* hmac.h - HMAC-SHA256 over OpenSSL libcrypto, for the webhook signatures (webhook_sig.h)
 * and the customer hashes of identity verification (identity.h). Pure code. */
#ifndef LOYALTYD_HMAC_H
#define LOYALTYD_HMAC_H

#include <stddef.h>

#define HMAC_SHA256_LEN 32

/* Writes HMAC-SHA256(key, data) into out; an empty message is fine. Returns 0, or -1 when
 * OpenSSL failed. */
__attribute__((warn_unused_result)) int hmac_sha256(const void *key, size_t key_len,
                                                    const void *data, size_t data_len,
                                                    unsigned char out[HMAC_SHA256_LEN]);

#endif
