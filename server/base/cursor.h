/* cursor.h - opaque list cursors, bound to the list and the filters that returned them.
 *
 * A cursor is the base64url encoding of "<scope>.<position>": the scope names the list
 * and a digest of its filters (query.h makes it from a request), the position is what the
 * store resumes after (a sequence number, or a time and an id). A cursor shown to another
 * list, or to the same list with other filters, is refused rather than silently resuming
 * a different listing. The digests are not secret: a cursor is no credential, it only
 * says where a listing goes on. Pure code: no I/O. */
#ifndef LOYALTYD_CURSOR_H
#define LOYALTYD_CURSOR_H

#include <stddef.h>

#define CURSOR_MAX 128        /* an encoded cursor and its NUL */
#define CURSOR_PAYLOAD_MAX 90 /* "<scope>.<position>": 120 characters encoded */
#define CURSOR_LIST_MAX 12    /* the name of a list: 1 to 12 of [a-z_] */
#define CURSOR_WHERE_HEX 8    /* digest of what the list is of (route, path parameters) */
#define CURSOR_FILTERS_HEX 12 /* digest of the filters (the other query parameters) */
/* "<list>.<where>.<filters>" and its NUL */
#define CURSOR_SCOPE_MAX (CURSOR_LIST_MAX + 1 + CURSOR_WHERE_HEX + 1 + CURSOR_FILTERS_HEX + 1)

/* Writes the scope "<list>.<where>.<filters>" into out from the list's name and the two
 * digests (at least CURSOR_WHERE_HEX and CURSOR_FILTERS_HEX / 2 bytes; only those many are
 * used). Returns 0, or -1 when list is not 1 to CURSOR_LIST_MAX of [a-z_]. */
__attribute__((warn_unused_result)) int cursor_scope(const char *list, const unsigned char *where,
                                                     const unsigned char *filters,
                                                     char out[CURSOR_SCOPE_MAX]);

/* Encodes scope (from cursor_scope) and position (1 or more of [0-9A-Za-z.:|_-]) into out.
 * Returns 0, or -1 when the two are longer than CURSOR_PAYLOAD_MAX together or position
 * is empty or holds another character. */
__attribute__((warn_unused_result)) int cursor_encode(const char *scope, const char *position,
                                                      char out[CURSOR_MAX]);

enum cursor_verdict {
	CURSOR_OK,            /* position is set */
	CURSOR_FOREIGN,       /* not a cursor of this service (or of an older version of it) */
	CURSOR_OTHER_LIST,    /* returned by another list, or the same one of another resource */
	CURSOR_OTHER_FILTERS, /* returned by this list with other filters */
};

/* Decodes cursor and checks it against scope, the scope of the request it is shown to.
 * On CURSOR_OK writes its position into position (capacity cap); on anything else
 * position is "". */
enum cursor_verdict cursor_decode(const char *cursor, const char *scope, char *position,
                                  size_t cap);

#endif
