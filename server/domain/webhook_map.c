/* webhook_map.c - what the Shopify and WooCommerce mappers share. */
#include "domain/webhook_map.h"

#include <ctype.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/hex.h"
#include "base/json_util.h"
#include "base/timefmt.h"
#include "domain/email.h"
#include "domain/validate.h"

#define NAME_MAX_CHARS 200

const char *webhook_kind_name(enum webhook_kind kind)
{
	return kind == WEBHOOK_SHOPIFY ? "shopify" : "woocommerce";
}

const char *webhook_map_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* Member key of obj with its pointer written into ptr (128 bytes); NULL when absent or
 * null, after an error when required. */
static const json_t *member(const json_t *obj, const char *key, const char *base, bool required,
                            char *ptr, json_t *errors)
{
	const json_t *v = json_object_get(obj, key);
	validate_pointer(ptr, 128, base, key);
	if (v && !json_is_null(v))
		return v;
	if (required)
		json_error_add(errors, ptr, "is required");
	return NULL;
}

bool webhook_map_id(const json_t *obj, const char *key, const char *base, bool required, char *out,
                    json_t *errors)
{
	char ptr[128];
	const json_t *v = member(obj, key, base, required, ptr, errors);
	out[0] = '\0';
	if (!v)
		return false;
	if (json_is_integer(v) && json_integer_value(v) >= 1) {
		snprintf(out, WEBHOOK_ID_MAX + 1, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return true;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = strlen(s);
		if (n >= 1 && n <= WEBHOOK_ID_MAX && s[0] != '0' && strspn(s, "0123456789") == n) {
			memcpy(out, s, n + 1);
			return true;
		}
	}
	json_error_add(errors, ptr,
	               json_is_real(v) ? "must be an integer: a number with a fraction or "
	                                 "exponent has lost the digits of a 64-bit id"
	                               : "must be a positive integer id");
	return false;
}

int webhook_map_time(const json_t *obj, const char *key, const char *base, bool naive_utc,
                     bool required, char *out, json_t *errors)
{
	char ptr[128], text[48];
	int64_t us;
	const json_t *v = member(obj, key, base, required, ptr, errors);
	out[0] = '\0';
	if (!v)
		return 0;
	const char *s = json_string_value(v);
	size_t n = s ? strlen(s) : 0;
	if (s && naive_utc && n == 19)
		snprintf(text, sizeof(text), "%sZ", s); /* WooCommerce's *_gmt: UTC, no offset */
	else if (s && n < sizeof(text))
		memcpy(text, s, n + 1);
	else
		text[0] = '\0';
	if (timefmt_parse_rfc3339(text, &us) != 0 || !timefmt_in_range(us)) {
		json_error_add(errors, ptr,
		               naive_utc ? "must be a GMT time such as 2017-03-22T19:28:02, "
		                           "1970 to 2100"
		                         : "must be an RFC 3339 time from 1970 to 2100");
		return -1;
	}
	timefmt_format(us, out);
	return 1;
}

/* Copies s into out (cap bytes), cut at a character boundary so that at most max_chars
 * characters remain. */
static void cut_chars(const char *s, char *out, size_t cap, size_t max_chars)
{
	size_t o = 0, chars = 0;
	while (s[o] && chars < max_chars) {
		size_t len = 1;
		while ((s[o + len] & 0xC0) == 0x80)
			len++;
		if (o + len + 1 > cap)
			break;
		o += len;
		chars++;
	}
	memcpy(out, s, o);
	out[o] = '\0';
}

/* Appends s, without the white space around it, to out (cap bytes) after a space when
 * out is not empty. */
static void append_trimmed(char *out, size_t cap, const char *s)
{
	if (!s || !validate_utf8(s))
		return;
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s), used = strlen(out);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0)
		return;
	if (used > 0 && used + 1 < cap)
		out[used++] = ' ';
	if (n > cap - used - 1)
		n = cap - used - 1;
	memcpy(out + used, s, n);
	out[used + n] = '\0';
}

json_t *webhook_map_customer(const char *id, const char *email, const char *first, const char *last,
                             const char *created_at, const char *updated_at)
{
	char joined[1024] = "", name[NAME_MAX_CHARS * 4 + 1];
	append_trimmed(joined, sizeof(joined), first);
	append_trimmed(joined, sizeof(joined), last);
	if (!validate_utf8(joined)) /* a long name may have been cut inside a character */
		joined[0] = '\0';
	cut_chars(joined, name, sizeof(name), NAME_MAX_CHARS);
	return json_pack("{s:s, s:o, s:o, s:o, s:o}", "id", id, "email",
	                 email_valid(email) ? json_string(email) : json_null(), "name",
	                 name[0] ? json_string(name) : json_null(), "created_at",
	                 created_at && created_at[0] ? json_string(created_at) : json_null(),
	                 "updated_at",
	                 updated_at && updated_at[0] ? json_string(updated_at) : json_null());
}

bool webhook_map_guest_id(enum webhook_kind kind, const char *email, char *out)
{
	char lower[EMAIL_MAX_BYTES + 1];
	if (!email_valid(email))
		return false;
	email_lower(email, lower);
	size_t n = strlen(lower);
	const char *kind_name = webhook_kind_name(kind);
	if (strlen(kind_name) + strlen(":email:") + n <= 128) {
		size_t k = strlen(kind_name);
		memcpy(out, kind_name, k);
		memcpy(out + k, ":email:", 7);
		memcpy(out + k + 7, lower, n + 1);
		return true;
	}
	unsigned char digest[32];
	char hexd[65];
	EVP_Digest(lower, n, digest, NULL, EVP_sha256(), NULL);
	hex_encode(digest, sizeof(digest), hexd);
	snprintf(out, 129, "%s:email-sha256:%s", kind_name, hexd);
	return true;
}

/* The part of a shop URL that names it: past the scheme, without trailing slashes. */
static const char *shop_site(const char *url, size_t *len)
{
	if (strncasecmp(url, "https://", 8) == 0)
		url += 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		url += 7;
	size_t n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	*len = n;
	return url;
}

bool webhook_wc_same_shop(const char *shop, const char *source_header)
{
	size_t a, b;
	const char *x = shop_site(shop, &a), *y = shop_site(source_header, &b);
	return a > 0 && a == b && strncasecmp(x, y, a) == 0;
}

bool webhook_shopify_is_test(const json_t *payload)
{
	return json_is_true(json_object_get(payload, "test"));
}
