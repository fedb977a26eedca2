/* cursor.c - base64url cursors. */
#include "cursor.h"

#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void cursor_encode(const char *payload, char *out)
{
	size_t n = strlen(payload), o = 0;
	if (n > 90)
		n = 90;
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

static int value_of(char c)
{
	const char *p = c ? strchr(alphabet, c) : NULL;
	return p ? (int)(p - alphabet) : -1;
}

int cursor_decode(const char *cursor, char *payload, size_t cap)
{
	size_t n = strlen(cursor), o = 0;
	if (n == 0 || n >= CURSOR_MAX || n % 4 == 1)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		int a = value_of(cursor[i]), b = value_of(cursor[i + 1]);
		int c = i + 2 < n ? value_of(cursor[i + 2]) : 0;
		int d = i + 3 < n ? value_of(cursor[i + 3]) : 0;
		if (a < 0 || b < 0 || c < 0 || d < 0)
			return -1;
		unsigned v = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c << 6 | (unsigned)d;
		char bytes[3] = {(char)(v >> 16), (char)(v >> 8), (char)v};
		size_t take = i + 3 < n ? 3 : (i + 2 < n ? 2 : 1);
		for (size_t k = 0; k < take; k++) {
			if (o + 1 >= cap)
				return -1;
			char ch = bytes[k];
			if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
			      (ch >= 'a' && ch <= 'z') || strchr(".:|_-", ch)) ||
			    ch == '\0')
				return -1;
			payload[o++] = ch;
		}
	}
	payload[o] = '\0';
	return 0;
}
