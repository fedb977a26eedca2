/* body.c - bounded request body buffer. */
#include "http/body.h"

#include <stdlib.h>
#include <string.h>

void body_init(struct body *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

int body_append(struct body *b, const char *data, size_t n)
{
	if (b->too_big)
		return -1;
	if (n > b->max - b->len) {
		b->too_big = true;
		free(b->data);
		b->data = NULL;
		b->len = b->cap = 0;
		return -1;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n + 1)
			cap *= 2;
		if (cap > b->max + 1)
			cap = b->max + 1;
		char *p = realloc(b->data, cap);
		if (!p)
			return -1;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

void body_release(struct body *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->too_big = false;
}
