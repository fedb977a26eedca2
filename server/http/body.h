/* body.h - a request body accumulated across libmicrohttpd callbacks, with a maximum.
 *
 * Past the maximum the body is marked too big, its bytes are dropped, and every further
 * append fails: the caller answers 413. */
#ifndef LOYALTYD_BODY_H
#define LOYALTYD_BODY_H

#include <stdbool.h>
#include <stddef.h>

struct body {
	char *data; /* NUL-terminated after every append; NULL while empty */
	size_t len;
	size_t cap;
	size_t max; /* largest accepted length */
	bool too_big;
};

/* Starts an empty body accepting at most max bytes. Allocates nothing. */
void body_init(struct body *b, size_t max);

/* Appends n bytes. Returns 0, or -1 when the body would pass its maximum (too_big is set
 * and the data freed) or memory ran out. */
__attribute__((warn_unused_result)) int body_append(struct body *b, const char *data, size_t n);

/* Frees the data; the body is empty again and may be reused. */
void body_release(struct body *b);

#endif
