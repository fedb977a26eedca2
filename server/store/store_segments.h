/* store_segments.h - the customers of a named segment (docs/DESIGN.md §6; defined in SQL by
 * segment_customers(), migration 0014): one page as JSON, or every one as a stream of
 * rows that never sits whole in memory. */
#ifndef LOYALTYD_STORE_SEGMENTS_H
#define LOYALTYD_STORE_SEGMENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"

#define SEGMENT_CSV_FIELDS 15

struct segment_query {
	const char *tenant_id, *name;
	const char *days, *pct; /* whole days, a percentage (text) */
	const char *as_of;      /* RFC 3339 or a date in tz; NULL: now */
	const char *tz;
};

/* One page (after the cursor payload after, or from the start when NULL), its next_cursor
 * in cursor_scope (cursor.h). *known is false, and nothing else set, when the tenant has
 * no such segment. */
__attribute__((warn_unused_result)) enum db_status
segments_page(struct pool *pool, const struct segment_query *q, const char *after, int limit,
              const char *cursor_scope, char **page, size_t *len, bool *known);

struct segment_stream;

/* Starts streaming every customer of the segment; the stream holds a database connection
 * until segments_stream_close. *known as for segments_page (then *out is NULL). */
__attribute__((warn_unused_result)) enum db_status
segments_stream_open(struct pool *pool, const struct segment_query *q, bool *known,
                     struct segment_stream **out);

/* The next customer: 1 with fields (external_id, email, name, phone, signup_at, birthday,
 * tags as a JSON array, created_at, then the RFM figures: recency_days, frequency,
 * monetary, r, f, m, segment; NULL for none), valid until the next call; 0 after the
 * last; -1 on a database error. */
int segments_stream_next(struct segment_stream *s, const char *fields[SEGMENT_CSV_FIELDS]);

/* Ends the stream (abandoning the statement when it did not end) and frees it. */
void segments_stream_close(struct segment_stream *s);

#endif
