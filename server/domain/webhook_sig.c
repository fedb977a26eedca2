/* webhook_sig.c - HMAC-SHA256 webhook signatures. */
#include "domain/webhook_sig.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>
#include <strings.h>

#include "base/hex.h"
#include "base/hmac.h"

#define MAC_LEN HMAC_SHA256_LEN

bool webhook_sig_verify(const char *secret, size_t secret_len, const char *body, size_t body_len,
                        const char *header)
{
	unsigned char want[MAC_LEN], got[MAC_LEN + 3];
	if (!header || secret_len == 0 || secret_len > 4096)
		return false;
	size_t n = strlen(header);
	while (n > 0 && isspace((unsigned char)header[n - 1]))
		n--;
	/* 32 bytes are 43 characters and one '=' of padding: nothing else can match */
	if (n != WEBHOOK_SIG_B64_LEN || header[WEBHOOK_SIG_B64_LEN - 1] != '=' ||
	    header[WEBHOOK_SIG_B64_LEN - 2] == '=')
		return false;
	if (EVP_DecodeBlock(got, (const unsigned char *)header, WEBHOOK_SIG_B64_LEN) != MAC_LEN + 1)
		return false;
	/* the last character holds 4 bits of the value and 2 unused ones, which must be zero:
	 * otherwise four spellings would verify where the shop sends one */
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *last = strchr(alphabet, header[WEBHOOK_SIG_B64_LEN - 2]);
	if (!last || ((last - alphabet) & 3) != 0)
		return false;
	if (hmac_sha256(secret, secret_len, body, body_len, want) != 0)
		return false;
	return CRYPTO_memcmp(want, got, MAC_LEN) == 0;
}

int webhook_sig_sign(const char *secret, size_t secret_len, const char *body, size_t body_len,
                     char out[WEBHOOK_SIG_B64_LEN + 1])
{
	unsigned char m[MAC_LEN];
	if (hmac_sha256(secret, secret_len, body, body_len, m) != 0)
		return -1;
	return EVP_EncodeBlock((unsigned char *)out, m, MAC_LEN) == WEBHOOK_SIG_B64_LEN ? 0 : -1;
}

/* The character an entity at s stands for, as wp_specialchars_decode(ENT_QUOTES) decodes
 * it, with its length in *len; 0 when s starts no such entity. */
static char entity(const char *s, size_t *len)
{
	static const struct {
		const char *name;
		char c;
	} named[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}};
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		size_t n = strlen(named[i].name);
		if (strncmp(s, named[i].name, n) == 0) {
			*len = n;
			return named[i].c;
		}
	}
	if (s[0] != '&' || s[1] != '#')
		return 0;
	bool hexform = s[2] == 'x' || s[2] == 'X';
	size_t first = hexform ? 3 : 2, i = first;
	while (s[i] == '0')
		i++;
	size_t start = i;
	unsigned v = 0;
	while (i - start < 3 &&
	       (hexform ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i]))) {
		int d = hex_value(s[i]);
		v = v * (hexform ? 16u : 10u) + (unsigned)d;
		i++;
	}
	if (s[i] != ';' || i == first)
		return 0;
	*len = i + 1;
	/* WordPress decodes these numeric forms only: &#38; &#60; &#62; &#39; &#34;, and in hex
	 * &#x26; &#x27; &#x22; */
	if (!hexform && (v == 38 || v == 60 || v == 62 || v == 39 || v == 34))
		return (char)v;
	if (hexform && (v == 0x26 || v == 0x27 || v == 0x22))
		return (char)v;
	return 0;
}

size_t webhook_sig_wc_secret(const char *secret, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; secret[i] && o + 1 < cap;) {
		size_t len = 0;
		char c = secret[i] == '&' ? entity(secret + i, &len) : 0;
		if (c) {
			out[o++] = c;
			i += len;
		} else {
			out[o++] = secret[i++];
		}
	}
	out[o] = '\0';
	return o;
}
