/* store_surveys.c - surveys and answers. */
#include "store/store_surveys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/page.h"

struct create_args {
	const char *const *params;
	char **json;
};

static enum db_status do_create(struct db *db, void *arg)
{
	struct create_args *a = arg;
	free(*a->json);
	return db_value(db, SQL_SURVEY_INSERT, 5, a->params, a->json);
}

enum db_status surveys_create(struct pool *pool, const char *tenant_id, const char *kind,
                              const char *name, const char *question, const char *follow_ups,
                              char **json)
{
	const char *params[] = {tenant_id, kind, name, question, follow_ups};
	struct create_args a = {params, json};
	*json = NULL;
	return db_transaction(pool, tenant_id, do_create, &a);
}

struct get_args {
	const char *tenant_id, *id;
	char **json;
	struct survey_info *info;
};

static enum db_status do_get(struct db *db, void *arg)
{
	struct get_args *a = arg;
	const char *params[] = {a->tenant_id, a->id};
	PGresult *res = NULL;
	enum db_status st = db_query(db, SQL_SURVEY_GET, 2, params, &res);
	if (st != DB_OK)
		return st;
	free(*a->json);
	*a->json = NULL;
	if (PQntuples(res) == 1) {
		*a->json = strdup(PQgetvalue(res, 0, 0));
		if (a->info) {
			snprintf(a->info->kind, sizeof(a->info->kind), "%s", PQgetvalue(res, 0, 1));
			a->info->follow_ups = (int)strtol(PQgetvalue(res, 0, 2), NULL, 10);
		}
	}
	PQclear(res);
	return DB_OK;
}

enum db_status surveys_get(struct pool *pool, const char *tenant_id, const char *id, char **json,
                           struct survey_info *info)
{
	struct get_args a = {tenant_id, id, json, info};
	*json = NULL;
	return db_read(pool, tenant_id, do_get, &a);
}

struct list_args {
	enum sql_query q;
	const char *const *params;
	int nparams, limit, json_col;
	int cursor_cols; /* 1: payload is column 0; 2: "column 0|column 1" */
	const char *cursor_scope;
	char **page;
	size_t *len;
};

static enum db_status do_list(struct db *db, void *arg)
{
	struct list_args *a = arg;
	PGresult *res = NULL;
	enum db_status st = db_query(db, a->q, a->nparams, a->params, &res);
	if (st != DB_OK)
		return st;
	char payload[96] = "";
	if (PQntuples(res) > a->limit) {
		if (a->cursor_cols == 1)
			snprintf(payload, sizeof(payload), "%s", PQgetvalue(res, a->limit - 1, 0));
		else
			snprintf(payload, sizeof(payload), "%s|%s",
			         PQgetvalue(res, a->limit - 1, 0),
			         PQgetvalue(res, a->limit - 1, 1));
	}
	free(*a->page);
	*a->page = page_render(res, a->json_col, a->limit, a->cursor_scope,
	                       payload[0] ? payload : NULL, a->len);
	PQclear(res);
	return *a->page ? DB_OK : DB_ERROR;
}

enum db_status surveys_list(struct pool *pool, const char *tenant_id, const char *after_seq,
                            int limit, const char *cursor_scope, char **page, size_t *len)
{
	char limit_text[16];
	snprintf(limit_text, sizeof(limit_text), "%d", limit + 1);
	const char *params[] = {tenant_id, after_seq, limit_text};
	struct list_args a = {SQL_SURVEY_LIST, params, 3, limit, 1, 1, cursor_scope, page, len};
	*page = NULL;
	return db_read(pool, tenant_id, do_list, &a);
}

struct response_args {
	const char *const *params;
	enum response_outcome *outcome;
	char **json;
};

static enum db_status do_respond(struct db *db, void *arg)
{
	struct response_args *a = arg;
	PGresult *res = NULL;
	enum db_status st = db_query(db, SQL_RESPONSE_INSERT, 10, a->params, &res);
	if (st != DB_OK)
		return st;
	free(*a->json);
	*a->json = NULL;
	if (PQntuples(res) != 1) {
		PQclear(res);
		/* No row: the same client id was committed by another request after this
		 * statement's snapshot; running it again (new snapshot) finds it. */
		return DB_RETRY;
	}
	const char *state = PQgetvalue(res, 0, 0);
	*a->outcome = strcmp(state, "stored") == 0     ? RESPONSE_STORED
	              : strcmp(state, "replayed") == 0 ? RESPONSE_REPLAYED
	                                               : RESPONSE_CONFLICT;
	if (*a->outcome != RESPONSE_CONFLICT && !(*a->json = strdup(PQgetvalue(res, 0, 1))))
		st = DB_ERROR;
	PQclear(res);
	/* a conflicting repeat changes nothing, not even its customer's first sight */
	return st == DB_OK && *a->outcome == RESPONSE_CONFLICT ? DB_ROLLBACK : st;
}

enum db_status responses_create(struct pool *pool, const char *tenant_id, const char *survey_id,
                                const char *kind, const struct response_input *in,
                                enum response_outcome *outcome, char **json)
{
	const char *params[] = {
	    tenant_id,     survey_id,   in->customer_id,
	    in->client_id, in->score,   in->comment,
	    in->channel,   in->answers, in->responded_at[0] ? in->responded_at : NULL,
	    kind};
	struct response_args a = {params, outcome, json};
	*json = NULL;
	*outcome = RESPONSE_CONFLICT;
	enum db_status st = db_transaction(pool, tenant_id, do_respond, &a);
	return st == DB_ROLLBACK && *outcome == RESPONSE_CONFLICT ? DB_OK : st;
}

enum db_status responses_list(struct pool *pool, const char *tenant_id, const char *survey_id,
                              const char *kind, const struct response_filter *f, char **page,
                              size_t *len)
{
	char limit_text[16];
	snprintf(limit_text, sizeof(limit_text), "%d", f->page.limit + 1);
	const char *params[] = {tenant_id,    kind,           survey_id,          f->score_min,
	                        f->score_max, f->has_comment, f->page.from,       f->page.to,
	                        f->channel,   f->q,           f->page.after_time, f->page.after_id,
	                        limit_text};
	struct list_args a = {SQL_RESPONSE_LIST,    params, 13, f->page.limit, 2, 2,
	                      f->page.cursor_scope, page,   len};
	*page = NULL;
	return db_read(pool, tenant_id, do_list, &a);
}
