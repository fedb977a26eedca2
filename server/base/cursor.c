/* cursor.c - base64url cursors bound to a list's scope. */
#include "base/cursor.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/hex.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static bool position_char(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	       (ch != '\0' && strchr(".:|_-", ch) != NULL);
}

int cursor_scope(const char *list, const unsigned char *where, const unsigned char *filters,
                 char out[CURSOR_SCOPE_MAX])
{
	size_t n = strlen(list);
	char w[CURSOR_WHERE_HEX + 1], f[CURSOR_FILTERS_HEX + 1];
	out[0] = '\0';
	if (n == 0 || n > CURSOR_LIST_MAX || strspn(list, "abcdefghijklmnopqrstuvwxyz_") != n)
		return -1;
	hex_encode(where, CURSOR_WHERE_HEX / 2, w);
	hex_encode(filters, CURSOR_FILTERS_HEX / 2, f);
	snprintf(out, CURSOR_SCOPE_MAX, "%s.%s.%s", list, w, f);
	return 0;
}

static void base64url(const char *payload, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)payload[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)payload[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)payload[i + 2];
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = alphabet[(v >> 6) & 63];
		if (i + 2 < n)
			out[o++] = alphabet[v & 63];
	}
	out[o] = '\0';
}

int cursor_encode(const char *scope, const char *position, char out[CURSOR_MAX])
{
	char payload[CURSOR_PAYLOAD_MAX + 1];
	size_t s = strlen(scope), p = strlen(position);
	out[0] = '\0';
	if (p == 0 || s + 1 + p > CURSOR_PAYLOAD_MAX)
		return -1;
	for (size_t i = 0; i < p; i++)
		if (!position_char(position[i]))
			return -1;
	memcpy(payload, scope, s);
	payload[s] = '.';
	memcpy(payload + s + 1, position, p + 1);
	base64url(payload, s + 1 + p, out);
	return 0;
}

static int value_of(char c)
{
	const char *p = c ? strchr(alphabet, c) : NULL;
	return p ? (int)(p - alphabet) : -1;
}

/* Decodes base64url text into payload (capacity cap): only characters a cursor's payload
 * may hold. Returns 0 or -1. */
static int unbase64url(const char *text, char *payload, size_t cap)
{
	size_t n = strlen(text), o = 0;
	if (n == 0 || n >= CURSOR_MAX || n % 4 == 1)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		int a = value_of(text[i]), b = value_of(text[i + 1]);
		int c = i + 2 < n ? value_of(text[i + 2]) : 0;
		int d = i + 3 < n ? value_of(text[i + 3]) : 0;
		if (a < 0 || b < 0 || c < 0 || d < 0)
			return -1;
		unsigned v = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c << 6 | (unsigned)d;
		char bytes[3] = {(char)(v >> 16), (char)(v >> 8), (char)v};
		size_t take = i + 3 < n ? 3 : (i + 2 < n ? 2 : 1);
		for (size_t k = 0; k < take; k++) {
			if (o + 1 >= cap || !position_char(bytes[k]))
				return -1;
			payload[o++] = bytes[k];
		}
	}
	payload[o] = '\0';
	return 0;
}

/* Length of the "<list>.<where>.<filters>" that begins s, or 0 when s does not begin
 * with one. */
static size_t scope_length(const char *s)
{
	size_t list = strspn(s, "abcdefghijklmnopqrstuvwxyz_");
	if (list == 0 || list > CURSOR_LIST_MAX || s[list] != '.')
		return 0;
	const char *w = s + list + 1;
	if (strspn(w, "0123456789abcdef") < CURSOR_WHERE_HEX || w[CURSOR_WHERE_HEX] != '.')
		return 0;
	const char *f = w + CURSOR_WHERE_HEX + 1;
	if (strspn(f, "0123456789abcdef") < CURSOR_FILTERS_HEX || f[CURSOR_FILTERS_HEX] != '.')
		return 0;
	return (size_t)(f + CURSOR_FILTERS_HEX - s);
}

enum cursor_verdict cursor_decode(const char *cursor, const char *scope, char *position, size_t cap)
{
	char payload[CURSOR_MAX];
	position[0] = '\0';
	if (unbase64url(cursor, payload, sizeof(payload)) != 0)
		return CURSOR_FOREIGN;
	size_t got = scope_length(payload), want = strlen(scope);
	const char *rest = payload + got + 1;
	if (got == 0 || *rest == '\0' || strlen(rest) >= cap)
		return CURSOR_FOREIGN;
	if (got != want || want < CURSOR_FILTERS_HEX)
		return CURSOR_OTHER_LIST;
	/* the scope's last field is the filters' digest: what comes before names the list */
	size_t list_part = want - CURSOR_FILTERS_HEX;
	if (memcmp(payload, scope, list_part) != 0)
		return CURSOR_OTHER_LIST;
	if (memcmp(payload + list_part, scope + list_part, CURSOR_FILTERS_HEX) != 0)
		return CURSOR_OTHER_FILTERS;
	memcpy(position, rest, strlen(rest) + 1);
	return CURSOR_OK;
}
