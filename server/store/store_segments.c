/* store_segments.c - segment customer lists. */
#include "store/store_segments.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/page.h"
#include "store/store_program.h"

/* Loads the programme (*program, malloc'd or NULL) and says whether q->name is a segment. */
static enum db_status resolve(struct db *db, const struct segment_query *q, char **program,
                              bool *known)
{
	char *yes = NULL;
	*known = false;
	enum db_status st = program_config_read(db, q->tenant_id, program);
	if (st != DB_OK)
		return st;
	const char *params[] = {q->name, *program, q->tz};
	if ((st = db_value(db, SQL_SEGMENT_KNOWN, 3, params, &yes)) == DB_OK)
		*known = yes && yes[0] == 't';
	free(yes);
	return st;
}

struct page_args {
	const struct segment_query *q;
	const char *after;
	int limit;
	const char *cursor_scope;
	/* the answer: whether the segment is known, and its page */
	bool *known;
	char **page;
	size_t *len;
};

static enum db_status do_page(struct db *db, void *arg)
{
	struct page_args *a = arg;
	const struct segment_query *q = a->q;
	char *program = NULL, limit[16];
	PGresult *res = NULL;
	enum db_status st = resolve(db, q, &program, a->known);
	if (st != DB_OK || !*a->known) {
		free(program);
		return st;
	}
	snprintf(limit, sizeof(limit), "%d", a->limit + 1);
	const char *params[] = {q->tenant_id, q->name, q->days,  q->pct, q->as_of,
	                        q->tz,        program, a->after, limit};
	st = db_query(db, SQL_SEGMENT_PAGE, 9, params, &res);
	free(program);
	if (st != DB_OK)
		return st;
	const char *payload = PQntuples(res) > a->limit ? PQgetvalue(res, a->limit - 1, 0) : NULL;
	free(*a->page);
	*a->page = page_render(res, 1, a->limit, a->cursor_scope, payload, a->len);
	PQclear(res);
	return *a->page ? DB_OK : DB_ERROR;
}

enum db_status segments_page(struct pool *pool, const struct segment_query *q, const char *after,
                             int limit, const char *cursor_scope, char **page, size_t *len,
                             bool *known)
{
	struct page_args a = {q, after, limit, cursor_scope, known, page, len};
	*page = NULL;
	*known = false;
	return db_read(pool, q->tenant_id, do_page, &a);
}

struct segment_stream {
	struct pool *pool;
	struct db *db;
	PGresult *row;
	bool ended;
};

enum db_status segments_stream_open(struct pool *pool, const struct segment_query *q, bool *known,
                                    struct segment_stream **out)
{
	struct db *db = NULL;
	char *program = NULL;
	*out = NULL;
	*known = false;
	enum db_status st = pool_acquire(pool, &db);
	if (st != DB_OK)
		return st;
	if ((st = db_use_tenant(db, q->tenant_id)) == DB_OK &&
	    (st = resolve(db, q, &program, known)) == DB_OK && *known) {
		const char *params[] = {q->tenant_id, q->name, q->days, q->pct,
		                        q->as_of,     q->tz,   program};
		st = db_stream_begin(db, SQL_SEGMENT_ROWS, 7, params);
	}
	free(program);
	if (st != DB_OK || !*known) {
		pool_release(pool, db);
		return st;
	}
	struct segment_stream *s = calloc(1, sizeof(*s));
	if (!s) {
		db_stream_abandon(db);
		pool_release(pool, db);
		return DB_ERROR;
	}
	s->pool = pool;
	s->db = db;
	*out = s;
	return DB_OK;
}

int segments_stream_next(struct segment_stream *s, const char *fields[SEGMENT_CSV_FIELDS])
{
	enum db_status st;
	PQclear(s->row);
	s->row = NULL;
	if (s->ended)
		return 0;
	int rc = db_stream_next(s->db, &s->row, &st);
	if (rc <= 0) {
		s->ended = true;
		return rc;
	}
	for (int i = 0; i < SEGMENT_CSV_FIELDS; i++)
		fields[i] = PQgetisnull(s->row, 0, i) ? NULL : PQgetvalue(s->row, 0, i);
	return 1;
}

void segments_stream_close(struct segment_stream *s)
{
	if (!s)
		return;
	PQclear(s->row);
	if (!s->ended)
		db_stream_abandon(s->db);
	pool_release(s->pool, s->db);
	free(s);
}
