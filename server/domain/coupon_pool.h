/* coupon_pool.h - a list of coupon codes for a reward's pool: drawn at random, or read from
 * a shop's CSV file, checked and rendered as one PostgreSQL text[] literal. Pure code,
 * except coupon_pool_generate (RAND_bytes). */
#ifndef LOYALTYD_COUPON_POOL_H
#define LOYALTYD_COUPON_POOL_H

#include <jansson.h>
#include <stddef.h>

#define COUPON_POOL_MAX 100000 /* codes in one request */

struct coupon_pool {
	char **codes;  /* upper case */
	size_t *lines; /* for a CSV, the line of each code (1-based) */
	size_t n, cap;
};

/* Fills pool with count distinct codes: prefix and length random characters each. Returns
 * 0, or -1 when out of memory or the random source failed. */
int coupon_pool_generate(struct coupon_pool *pool, size_t count, const char *prefix, size_t length);

/* Reads codes from a CSV text of len bytes: the first field of each line (quotes around it
 * dropped), blank lines skipped, a first line "code" taken as a header. Every bad line adds
 * {"line", "message"} to errors (at most 100 of them). A code given twice is kept once;
 * *repeated counts the repeats. Returns 0, or -1 when out of memory. */
int coupon_pool_from_csv(struct coupon_pool *pool, const char *text, size_t len, size_t *repeated,
                         json_t *errors);

/* The codes as a text[] literal ({"A","B",...}); malloc'd or NULL. */
char *coupon_pool_literal(const struct coupon_pool *pool);

/* The line of code in pool (a CSV's), or 0. */
size_t coupon_pool_line_of(const struct coupon_pool *pool, const char *code);

void coupon_pool_free(struct coupon_pool *pool);

#endif
