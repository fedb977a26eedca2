/* webhook_sig.h - signatures of e-shop webhooks: base64(HMAC-SHA256(secret, raw body)),
 * the rule of Shopify's X-Shopify-Hmac-Sha256 and WooCommerce's X-WC-Webhook-Signature.
 * Pure code over OpenSSL libcrypto: no I/O. The body is verified as the bytes received,
 * before any parsing. */
#ifndef LOYALTYD_WEBHOOK_SIG_H
#define LOYALTYD_WEBHOOK_SIG_H

#include <stdbool.h>
#include <stddef.h>

#define WEBHOOK_SIG_B64_LEN 44 /* 32 bytes in base64 with its one '=' */

/* Returns true when header is the base64 HMAC-SHA256 of body[0..body_len) under
 * secret[0..secret_len). White space after the 44 characters is ignored (some libraries
 * send a trailing newline); anything else that is not exactly one 32-byte value in base64
 * is false. The comparison of the decoded bytes takes the same time wherever they differ. */
bool webhook_sig_verify(const char *secret, size_t secret_len, const char *body, size_t body_len,
                        const char *header);

/* Writes the signature a shop would send for body into out (WEBHOOK_SIG_B64_LEN + 1
 * bytes, NUL-terminated). For tests and benchmarks. Returns 0, or -1 when OpenSSL failed. */
int webhook_sig_sign(const char *secret, size_t secret_len, const char *body, size_t body_len,
                     char out[WEBHOOK_SIG_B64_LEN + 1]);

/* WooCommerce signs with its secret after WordPress's wp_specialchars_decode(ENT_QUOTES):
 * &amp; &lt; &gt; &quot; and the numeric forms of & < > " ' (&#039;, &#x27;, &#38; …)
 * become the characters. Writes the decoded secret into out (capacity cap, at least
 * strlen(secret) + 1, NUL-terminated) and returns its length. */
size_t webhook_sig_wc_secret(const char *secret, char *out, size_t cap);

#endif
