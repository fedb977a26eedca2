/* page.h - list answers {"data": [...], "next_cursor": …} assembled from JSON texts that
 * PostgreSQL rendered, without parsing them again. */
#ifndef LOYALTYD_PAGE_H
#define LOYALTYD_PAGE_H

#include <libpq-fe.h>
#include <stddef.h>

/* Which page of a list in time order a store reads: its span and where it resumes. */
struct time_page {
	const char *from, *to;             /* RFC 3339, half-open [from, to); NULL: open */
	const char *after_time, *after_id; /* the cursor: time and id of the last row seen */
	int limit;
	const char *cursor_scope; /* of next_cursor (cursor.h) */
};

/* Renders rows [0, min(rows, limit)) of column json_col of res as the data array. When res
 * has more rows than limit, next_cursor is the cursor of position in scope (cursor.h),
 * else null. Returns a malloc'd text the caller frees (or hands to http_reply_owned), NULL
 * when out of memory or when the cursor cannot be encoded. */
char *page_render(const PGresult *res, int json_col, int limit, const char *scope,
                  const char *position, size_t *len);

#endif
