/* sbuf.h - a growable string with a maximum (after curl's dynbuf).
 *
 * Appending past the maximum fails, frees the contents and leaves the buffer unusable
 * until sbuf_release(); the caller turns that into an error, never a crash. */
#ifndef LOYALTYD_SBUF_H
#define LOYALTYD_SBUF_H

#include <stddef.h>

struct sbuf {
	char *data; /* NUL-terminated, NULL while empty */
	size_t len;
	size_t cap;
	size_t max;
	int failed;
};

void sbuf_init(struct sbuf *b, size_t max);

/* Appends n bytes. Returns 0 or -1 (too big or out of memory). */
__attribute__((warn_unused_result)) int sbuf_add(struct sbuf *b, const char *s, size_t n);

/* Appends formatted text. Returns 0 or -1. */
__attribute__((format(printf, 2, 3))) int sbuf_printf(struct sbuf *b, const char *fmt, ...);

/* Hands the contents (malloc'd, NUL-terminated, "" when empty) to the caller, who frees
 * it; the buffer is empty afterwards. Returns NULL when the buffer failed. */
char *sbuf_detach(struct sbuf *b, size_t *len);

void sbuf_release(struct sbuf *b);

#endif
