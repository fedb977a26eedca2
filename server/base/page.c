/* page.c - list answers from pre-rendered JSON rows. */
#include "base/page.h"

#include <string.h>

#include "base/cursor.h"
#include "base/sbuf.h"

char *page_render(const PGresult *res, int json_col, int limit, const char *scope,
                  const char *position, size_t *len)
{
	struct sbuf b;
	int rows = PQntuples(res), shown = rows > limit ? limit : rows, rc = 0;
	sbuf_init(&b, (size_t)1 << 30);
	rc |= sbuf_add(&b, "{\"data\":[", 9);
	for (int i = 0; i < shown; i++) {
		if (i)
			rc |= sbuf_add(&b, ",", 1);
		rc |= sbuf_add(&b, PQgetvalue(res, i, json_col),
		               (size_t)PQgetlength(res, i, json_col));
	}
	if (rows > limit && position) {
		char cursor[CURSOR_MAX];
		rc |= cursor_encode(scope, position, cursor);
		rc |= sbuf_printf(&b, "],\"next_cursor\":\"%s\"}", cursor);
	} else {
		rc |= sbuf_add(&b, "],\"next_cursor\":null}", 21);
	}
	if (rc) {
		sbuf_release(&b);
		return NULL;
	}
	return sbuf_detach(&b, len);
}
