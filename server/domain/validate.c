/* validate.c - field validation with JSON pointers. */
#include "domain/validate.h"

#include <stdio.h>
#include <string.h>

#include "base/json_util.h"

void validate_pointer(char *out, size_t outlen, const char *base, const char *key)
{
	size_t o = (size_t)snprintf(out, outlen, "%s/", base);
	for (const char *k = key; *k && o + 3 < outlen; k++) {
		if (*k == '~') {
			out[o++] = '~';
			out[o++] = '0';
		} else if (*k == '/') {
			out[o++] = '~';
			out[o++] = '1';
		} else {
			out[o++] = *k;
		}
	}
	out[o < outlen ? o : outlen - 1] = '\0';
}

bool validate_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p;
		int n;
		unsigned min;
		if (c < 0x80) {
			p++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			n = 1;
			min = 0x80;
			c &= 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2;
			min = 0x800;
			c &= 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3;
			min = 0x10000;
			c &= 0x07;
		} else {
			return false;
		}
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			c = c << 6 | (p[i] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return false;
		p += n + 1;
	}
	return true;
}

size_t validate_utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

size_t validate_known_fields(const json_t *obj, const char *const *allowed, const char *base,
                             json_t *errors)
{
	const char *key;
	json_t *v;
	size_t unknown = 0;
	json_object_foreach ((json_t *)obj, key, v) {
		bool known = false;
		for (const char *const *a = allowed; *a && !known; a++)
			known = strcmp(*a, key) == 0;
		if (!known) {
			char ptr[256];
			validate_pointer(ptr, sizeof(ptr), base, key);
			json_error_add(errors, ptr, "unknown field");
			unknown++;
		}
	}
	return unknown;
}

const char *validate_string(const json_t *obj, const char *key, const char *base, size_t min_chars,
                            size_t max_chars, bool required, json_t *errors)
{
	char ptr[256], msg[128];
	json_t *v = json_object_get(obj, key);
	validate_pointer(ptr, sizeof(ptr), base, key);
	if (!v || json_is_null(v)) {
		if (required)
			json_error_add(errors, ptr, "is required");
		return NULL;
	}
	if (!json_is_string(v)) {
		json_error_add(errors, ptr, "must be a string");
		return NULL;
	}
	size_t n = validate_utf8_chars(json_string_value(v));
	if (n < min_chars || n > max_chars) {
		snprintf(msg, sizeof(msg), "must be %zu to %zu characters long", min_chars,
		         max_chars);
		json_error_add(errors, ptr, msg);
		return NULL;
	}
	return json_string_value(v);
}

bool validate_object(const json_t *obj, const char *base, json_t *errors)
{
	if (json_is_object(obj))
		return true;
	json_error_add(errors, *base ? base : "", "must be a JSON object");
	return false;
}
