/* standard_webhooks.h - the signing side of Standard Webhooks (the specification many
 * webhook senders follow): secrets "whsec_" + base64 of 24 to 64 random bytes, and the
 * webhook-signature header "v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>" with
 * the key the secret's decoded bytes, one such value per live secret, space-separated
 * (a receiver accepts the message when any of them verifies: rotation overlaps). */
#ifndef LOYALTYD_STANDARD_WEBHOOKS_H
#define LOYALTYD_STANDARD_WEBHOOKS_H

#include <stddef.h>

#define SWH_PREFIX "whsec_"
#define SWH_PREFIX_LEN 6
#define SWH_KEY_MIN 24 /* bytes of a secret, decoded */
#define SWH_KEY_MAX 64
#define SWH_SECRET_LEN (SWH_PREFIX_LEN + 32) /* a generated secret: 24 bytes in base64 */
#define SWH_SECRET_MAX (SWH_PREFIX_LEN + 88) /* 64 bytes in base64 */
#define SWH_SIGNATURE_LEN 47                 /* "v1," + 32 bytes in base64 */

/* Writes a new secret (SWH_SECRET_LEN characters and a NUL) from 24 random bytes.
 * Returns 0, or -1 when the random generator failed. */
__attribute__((warn_unused_result)) int swh_secret_generate(char out[SWH_SECRET_LEN + 1]);

/* Checks a secret's format: NULL when valid, else what is wrong in words (for a 422). */
const char *swh_secret_check(const char *secret);

/* Writes the webhook-signature value of the message msg_id sent at timestamp (unix
 * seconds) with body[0..body_len), one "v1,…" per secret of secrets[0..n), into out
 * (capacity cap, at least n * (SWH_SIGNATURE_LEN + 1)). Returns the length written, or -1
 * when a secret is invalid, n is 0, out is too small or OpenSSL failed. */
__attribute__((warn_unused_result)) int swh_sign(const char *msg_id, long long timestamp,
                                                 const char *body, size_t body_len,
                                                 const char *const *secrets, size_t n, char *out,
                                                 size_t cap);

#endif
