/* coupon_pool.c - lists of coupon codes. */
#include "domain/coupon_pool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json_util.h"
#include "domain/coupon_code.h"

#define POOL_ERRORS_MAX 100

static int add(struct coupon_pool *pool, const char *code, size_t line)
{
	if (pool->n == pool->cap) {
		size_t cap = pool->cap ? pool->cap * 2 : 1024;
		char **codes = realloc(pool->codes, cap * sizeof(*codes));
		if (!codes)
			return -1;
		pool->codes = codes;
		size_t *lines = realloc(pool->lines, cap * sizeof(*lines));
		if (!lines)
			return -1;
		pool->lines = lines;
		pool->cap = cap;
	}
	if (!(pool->codes[pool->n] = strdup(code)))
		return -1;
	pool->lines[pool->n++] = line;
	return 0;
}

struct sorted {
	const char *code;
	size_t at;
};

static int by_code(const void *a, const void *b)
{
	const struct sorted *x = a, *y = b;
	int c = strcmp(x->code, y->code);
	return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* Drops the repeats of codes (keeping the first), in place; returns how many went. */
static size_t unique(struct coupon_pool *pool, int *failed)
{
	size_t gone = 0;
	*failed = 0;
	if (pool->n < 2)
		return 0;
	struct sorted *s = malloc(pool->n * sizeof(*s));
	char *drop = calloc(pool->n, 1);
	if (!s || !drop) {
		free(s);
		free(drop);
		*failed = 1;
		return 0;
	}
	for (size_t i = 0; i < pool->n; i++)
		s[i] = (struct sorted){pool->codes[i], i};
	qsort(s, pool->n, sizeof(*s), by_code);
	for (size_t i = 1; i < pool->n; i++)
		if (strcmp(s[i].code, s[i - 1].code) == 0)
			drop[s[i].at] = 1;
	size_t o = 0;
	for (size_t i = 0; i < pool->n; i++) {
		if (drop[i]) {
			free(pool->codes[i]);
			gone++;
			continue;
		}
		pool->codes[o] = pool->codes[i];
		pool->lines[o++] = pool->lines[i];
	}
	pool->n = o;
	free(s);
	free(drop);
	return gone;
}

int coupon_pool_generate(struct coupon_pool *pool, size_t count, const char *prefix, size_t length)
{
	char code[COUPON_PREFIX_MAX + COUPON_RANDOM_MAX + 1];
	size_t plen = strlen(prefix);
	int failed = 0;
	if (plen > COUPON_PREFIX_MAX || length < COUPON_RANDOM_MIN || length > COUPON_RANDOM_MAX)
		return -1;
	memcpy(code, prefix, plen);
	/* a repeat among the codes drawn is drawn again (with 31^6 codes or more, rarely) */
	for (int round = 0; pool->n < count && round < 16; round++) {
		while (pool->n < count) {
			if (coupon_code_generate(length, code + plen) != 0 ||
			    add(pool, code, 0) != 0)
				return -1;
		}
		unique(pool, &failed);
		if (failed)
			return -1;
	}
	return pool->n == count ? 0 : -1;
}

static void line_error(json_t *errors, size_t line, const char *message)
{
	if (json_array_size(errors) < POOL_ERRORS_MAX)
		json_array_append_new(
		    errors, json_pack("{s:I, s:s}", "line", (json_int_t)line, "message", message));
}

int coupon_pool_from_csv(struct coupon_pool *pool, const char *text, size_t len, size_t *repeated,
                         json_t *errors)
{
	size_t line = 0, i = 0;
	int failed = 0;
	*repeated = 0;
	while (i < len) {
		size_t start = i, end;
		while (i < len && text[i] != '\n')
			i++;
		end = i++;
		line++;
		if (end > start && text[end - 1] == '\r')
			end--;
		/* the first field, spaces and one pair of quotes around it dropped */
		size_t f = start, g = start;
		while (g < end && text[g] != ',')
			g++;
		while (f < g && (text[f] == ' ' || text[f] == '\t'))
			f++;
		while (g > f && (text[g - 1] == ' ' || text[g - 1] == '\t'))
			g--;
		if (g - f >= 2 && text[f] == '"' && text[g - 1] == '"') {
			f++;
			g--;
		}
		if (g == f)
			continue; /* a blank line */
		char field[COUPON_CODE_MAX + 2], code[COUPON_CODE_MAX + 1];
		if (g - f > COUPON_CODE_MAX) {
			line_error(errors, line, "the code is longer than 64 characters");
			continue;
		}
		memcpy(field, text + f, g - f);
		field[g - f] = '\0';
		if (pool->n == 0 && json_array_size(errors) == 0 && strcasecmp(field, "code") == 0)
			continue; /* the header */
		const char *why = strlen(field) != g - f ? "the line holds a NUL byte"
		                                         : coupon_code_normalize(field, code);
		if (why) {
			char msg[120];
			snprintf(msg, sizeof(msg), "the code %s", why);
			line_error(errors, line, msg);
			continue;
		}
		if (pool->n >= COUPON_POOL_MAX) {
			line_error(errors, line, "a request takes at most 100000 codes");
			break;
		}
		if (add(pool, code, line) != 0)
			return -1;
	}
	*repeated = unique(pool, &failed);
	return failed ? -1 : 0;
}

char *coupon_pool_literal(const struct coupon_pool *pool)
{
	size_t total = 3; /* quoted, so that a code NULL is no SQL null */
	for (size_t i = 0; i < pool->n; i++)
		total += strlen(pool->codes[i]) + 3;
	char *out = malloc(total), *o = out;
	if (!out)
		return NULL;
	*o++ = '{';
	for (size_t i = 0; i < pool->n; i++) {
		size_t n = strlen(pool->codes[i]);
		if (i)
			*o++ = ',';
		*o++ = '"';
		memcpy(o, pool->codes[i], n);
		o += n;
		*o++ = '"';
	}
	*o++ = '}';
	*o = '\0';
	return out;
}

size_t coupon_pool_line_of(const struct coupon_pool *pool, const char *code)
{
	for (size_t i = 0; i < pool->n; i++)
		if (strcmp(pool->codes[i], code) == 0)
			return pool->lines[i];
	return 0;
}

void coupon_pool_free(struct coupon_pool *pool)
{
	for (size_t i = 0; i < pool->n; i++)
		free(pool->codes[i]);
	free(pool->codes);
	free(pool->lines);
	memset(pool, 0, sizeof(*pool));
}
