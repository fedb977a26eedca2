/* standard_webhooks.c - Standard Webhooks secrets and signatures. */
#include "domain/standard_webhooks.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hmac.h"

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decodes canonical base64 (standard alphabet, '=' padding to a multiple of 4, zero bits
 * after the last byte) of text[0..len) into out (capacity cap). Returns the number of
 * bytes, or -1 when text is not such base64 or does not fit. */
static long b64_decode(const char *text, size_t len, unsigned char *out, size_t cap)
{
	if (len == 0 || len % 4 != 0)
		return -1;
	size_t pad = text[len - 1] == '=' ? (text[len - 2] == '=' ? 2 : 1) : 0;
	size_t n = len / 4 * 3 - pad;
	if (n > cap)
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 4) {
		int v[4];
		for (int k = 0; k < 4; k++) {
			bool padding = i + 4 == len && (size_t)k >= 4 - pad;
			v[k] = padding ? 0 : b64_value((unsigned char)text[i + (size_t)k]);
			if (v[k] < 0)
				return -1;
		}
		unsigned long triple = (unsigned long)v[0] << 18 | (unsigned long)v[1] << 12 |
		                       (unsigned long)v[2] << 6 | (unsigned long)v[3];
		unsigned char bytes[3] = {(unsigned char)(triple >> 16),
		                          (unsigned char)(triple >> 8), (unsigned char)triple};
		for (int k = 0; k < 3; k++) {
			if (o < n)
				out[o++] = bytes[k];
			else if (bytes[k] != 0)
				return -1; /* bits set past the last byte: not canonical */
		}
	}
	return (long)n;
}

/* The key of a secret; -1 with *why set when the secret is invalid. */
static long secret_key(const char *secret, unsigned char key[SWH_KEY_MAX], const char **why)
{
	if (strncmp(secret, SWH_PREFIX, SWH_PREFIX_LEN) != 0) {
		*why = "must start with whsec_";
		return -1;
	}
	const char *b64 = secret + SWH_PREFIX_LEN;
	size_t len = strnlen(b64, SWH_SECRET_MAX);
	unsigned char scratch[SWH_SECRET_MAX];
	long n = len <= SWH_SECRET_MAX - SWH_PREFIX_LEN
	             ? b64_decode(b64, len, scratch, sizeof(scratch))
	             : -1;
	if (n < 0 && len > 0 && len <= SWH_SECRET_MAX - SWH_PREFIX_LEN)
		*why = "must be whsec_ followed by base64 (A-Z a-z 0-9 + /, padded with =)";
	else if (n < SWH_KEY_MIN || n > SWH_KEY_MAX)
		*why = "must be whsec_ followed by the base64 of 24 to 64 bytes";
	if (n < SWH_KEY_MIN || n > SWH_KEY_MAX) {
		OPENSSL_cleanse(scratch, sizeof(scratch));
		return -1;
	}
	memcpy(key, scratch, (size_t)n);
	OPENSSL_cleanse(scratch, sizeof(scratch));
	return n;
}

int swh_secret_generate(char out[SWH_SECRET_LEN + 1])
{
	unsigned char rnd[SWH_KEY_MIN];
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -1;
	memcpy(out, SWH_PREFIX, SWH_PREFIX_LEN);
	int n = EVP_EncodeBlock((unsigned char *)out + SWH_PREFIX_LEN, rnd, sizeof(rnd));
	OPENSSL_cleanse(rnd, sizeof(rnd));
	return n == SWH_SECRET_LEN - SWH_PREFIX_LEN ? 0 : -1;
}

const char *swh_secret_check(const char *secret)
{
	unsigned char key[SWH_KEY_MAX];
	const char *why = NULL;
	long n = secret_key(secret, key, &why);
	OPENSSL_cleanse(key, sizeof(key));
	return n < 0 ? why : NULL;
}

int swh_sign(const char *msg_id, long long timestamp, const char *body, size_t body_len,
             const char *const *secrets, size_t n, char *out, size_t cap)
{
	if (n == 0 || cap < n * (SWH_SIGNATURE_LEN + 1))
		return -1;
	char head[160];
	int hl = snprintf(head, sizeof(head), "%s.%lld.", msg_id, timestamp);
	if (hl < 0 || (size_t)hl >= sizeof(head))
		return -1;
	char *signed_text = malloc((size_t)hl + body_len + 1);
	if (!signed_text)
		return -1;
	memcpy(signed_text, head, (size_t)hl);
	if (body_len > 0)
		memcpy(signed_text + hl, body, body_len);
	size_t o = 0;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		unsigned char key[SWH_KEY_MAX], mac[HMAC_SHA256_LEN];
		const char *why = NULL;
		long kl = secret_key(secrets[i], key, &why);
		if (kl < 0 ||
		    hmac_sha256(key, (size_t)kl, signed_text, (size_t)hl + body_len, mac) != 0)
			rc = -1;
		OPENSSL_cleanse(key, sizeof(key));
		if (rc != 0)
			break;
		if (i > 0)
			out[o++] = ' ';
		memcpy(out + o, "v1,", 3);
		o += 3;
		o += (size_t)EVP_EncodeBlock((unsigned char *)out + o, mac, HMAC_SHA256_LEN);
	}
	free(signed_text);
	if (rc != 0)
		return -1;
	out[o] = '\0';
	return (int)o;
}
