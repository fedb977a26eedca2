/* store_endpoints.c - event endpoints, their secrets and messages, and the settings of the
 * daily evaluation. Each operation is one statement (its own transaction). */
#include "store/store_endpoints.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/page.h"

/* Runs the one statement q for tenant and hands its first cell over in *text (NULL when no
 * row, or an SQL null). */
static enum db_status one(struct pool *pool, const char *tenant_id, enum sql_query q, int n,
                          const char *const *params, char **text)
{
	PGresult *res = NULL;
	struct db_step step = {q, n, params, &res};
	*text = NULL;
	enum db_status st = db_pipeline_run(pool, tenant_id, &step, 1);
	if (st != DB_OK)
		return st;
	if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
		*text = strdup(PQgetvalue(res, 0, 0));
		if (!*text)
			st = DB_ERROR;
	}
	PQclear(res);
	return st;
}

enum db_status endpoints_create(struct pool *pool, const char *tenant_id,
                                const struct endpoint_spec *spec, char **json)
{
	const char *params[] = {tenant_id,         spec->url,
	                        spec->event_types, spec->enabled ? "true" : "false",
	                        spec->description, spec->secret};
	return one(pool, tenant_id, SQL_ENDPOINT_CREATE, 6, params, json);
}

enum db_status endpoints_list(struct pool *pool, const char *tenant_id, char **json)
{
	const char *params[] = {tenant_id};
	return one(pool, tenant_id, SQL_ENDPOINT_LIST, 1, params, json);
}

enum db_status endpoints_get(struct pool *pool, const char *tenant_id, const char *id, char **json)
{
	const char *params[] = {tenant_id, id};
	return one(pool, tenant_id, SQL_ENDPOINT_GET, 2, params, json);
}

enum db_status endpoints_update(struct pool *pool, const char *tenant_id, const char *id,
                                const struct endpoint_patch *patch, char **json)
{
	const char *params[] = {tenant_id,          id,
	                        patch->url,         patch->set_types ? "true" : "false",
	                        patch->event_types, patch->enabled,
	                        patch->description};
	return one(pool, tenant_id, SQL_ENDPOINT_UPDATE, 7, params, json);
}

enum db_status endpoints_delete(struct pool *pool, const char *tenant_id, const char *id,
                                bool *found)
{
	const char *params[] = {tenant_id, id};
	char *gone = NULL;
	enum db_status st = one(pool, tenant_id, SQL_ENDPOINT_DELETE, 2, params, &gone);
	*found = gone != NULL;
	free(gone);
	return st;
}

enum db_status endpoints_rotate(struct pool *pool, const char *tenant_id, const char *id,
                                const char *secret, long overlap_s, char **json)
{
	char overlap[24];
	snprintf(overlap, sizeof(overlap), "%ld", overlap_s);
	const char *params[] = {tenant_id, id, secret, overlap};
	return one(pool, tenant_id, SQL_ENDPOINT_ROTATE, 4, params, json);
}

enum db_status endpoints_messages(struct pool *pool, const char *tenant_id, const char *id,
                                  const struct message_filter *f, char **page, size_t *len,
                                  bool *found)
{
	char limit[16];
	PGresult *known = NULL, *rows = NULL;
	snprintf(limit, sizeof(limit), "%d", f->limit + 1);
	const char *endpoint[] = {tenant_id, id};
	const char *params[] = {tenant_id, id, f->status, f->after_id, limit};
	PGresult *fanned = NULL;
	struct db_step steps[] = {{SQL_OUTBOUND_FAN_OUT, 0, NULL, &fanned},
	                          {SQL_ENDPOINT_GET, 2, endpoint, &known},
	                          {SQL_ENDPOINT_MESSAGES, 5, params, &rows}};
	*page = NULL;
	*found = false;
	enum db_status st = db_pipeline_run(pool, tenant_id, steps, 3);
	PQclear(fanned);
	if (st != DB_OK)
		return st;
	*found = PQntuples(known) > 0;
	if (*found) {
		int n = PQntuples(rows);
		const char *position = n > f->limit ? PQgetvalue(rows, f->limit - 1, 1) : NULL;
		*page = page_render(rows, 0, f->limit, f->cursor_scope, position, len);
		if (!*page)
			st = DB_ERROR;
	}
	PQclear(known);
	PQclear(rows);
	return st;
}

enum db_status endpoints_retry(struct pool *pool, const char *tenant_id, const char *id,
                               const char *message_id, char **json)
{
	const char *params[] = {tenant_id, id, message_id};
	return one(pool, tenant_id, SQL_ENDPOINT_MESSAGE_RETRY, 3, params, json);
}

enum db_status endpoints_replay(struct pool *pool, const char *tenant_id, const char *id,
                                const char *from, const char *to, long *count)
{
	const char *params[] = {tenant_id, id, from, to};
	char *n = NULL;
	enum db_status st = one(pool, tenant_id, SQL_ENDPOINT_REPLAY, 4, params, &n);
	*count = n ? strtol(n, NULL, 10) : -1;
	free(n);
	return st;
}

enum db_status endpoints_test(struct pool *pool, const char *tenant_id, const char *id, char **json)
{
	const char *params[] = {tenant_id, id};
	return one(pool, tenant_id, SQL_ENDPOINT_TEST, 2, params, json);
}

enum db_status outbound_settings_get(struct pool *pool, const char *tenant_id, char **json)
{
	const char *params[] = {tenant_id};
	return one(pool, tenant_id, SQL_OUTBOUND_SETTINGS_GET, 1, params, json);
}

enum db_status outbound_settings_put(struct pool *pool, const char *tenant_id, const char *tz,
                                     const char *run_at, int expiring_days, char **json)
{
	char days[16];
	snprintf(days, sizeof(days), "%d", expiring_days);
	const char *params[] = {tenant_id, tz, run_at, days};
	return one(pool, tenant_id, SQL_OUTBOUND_SETTINGS_PUT, 4, params, json);
}
