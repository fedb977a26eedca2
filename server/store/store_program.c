/* store_program.c - points programme versions. */
#include "store/store_program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct value_args {
	enum sql_query q;
	const char *const *params;
	int nparams;
	char **json;
};

static enum db_status do_value(struct db *db, void *arg)
{
	struct value_args *a = arg;
	free(*a->json);
	return db_value(db, a->q, a->nparams, a->params, a->json);
}

enum db_status program_put(struct pool *pool, const char *tenant_id, const char *config,
                           char **json)
{
	const char *params[] = {tenant_id, config};
	struct value_args a = {SQL_PROGRAM_INSERT, params, 2, json};
	*json = NULL;
	return db_transaction(pool, tenant_id, do_value, &a);
}

enum db_status program_get(struct pool *pool, const char *tenant_id, char **json)
{
	const char *params[] = {tenant_id};
	struct value_args a = {SQL_PROGRAM_CURRENT, params, 1, json};
	*json = NULL;
	return db_read(pool, tenant_id, do_value, &a);
}

enum db_status program_config_read(struct db *db, const char *tenant_id, char **config)
{
	const char *params[] = {tenant_id};
	PGresult *res = NULL;
	*config = NULL;
	enum db_status st = db_query(db, SQL_PROGRAM_CONFIG, 1, params, &res);
	if (st != DB_OK)
		return st;
	if (PQntuples(res) == 1 && !(*config = strdup(PQgetvalue(res, 0, 1))))
		st = DB_ERROR;
	PQclear(res);
	return st;
}

struct dry_run_args {
	const char *tenant_id, *config, *after;
	int limit;
	struct program_dry_run *out;
};

static json_t *nullable(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? json_null() : json_string(PQgetvalue(res, row, col));
}

static enum db_status do_dry_run(struct db *db, void *arg)
{
	struct dry_run_args *a = arg;
	struct program_dry_run *out = a->out;
	char limit[16];
	PGresult *res = NULL;
	snprintf(limit, sizeof(limit), "%d", a->limit + 1);
	const char *params[] = {a->tenant_id, a->config, a->after, limit};
	enum db_status st = db_query(db, SQL_PROGRAM_DRY_RUN, 4, params, &res);
	if (st != DB_OK)
		return st;
	out->customers = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	out->changes = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	json_decref(out->page);
	out->page = json_array();
	out->next_after[0] = '\0';
	for (int i = 0; i < PQntuples(res) && !PQgetisnull(res, i, 2); i++) {
		if (i == a->limit) {
			snprintf(out->next_after, sizeof(out->next_after), "%s",
			         PQgetvalue(res, i - 1, 2));
			break;
		}
		json_array_append_new(
		    out->page, json_pack("{s:s, s:o, s:o}", "customer_id", PQgetvalue(res, i, 3),
		                         "from", nullable(res, i, 4), "to", nullable(res, i, 5)));
	}
	PQclear(res);
	return DB_OK;
}

enum db_status program_dry_run(struct pool *pool, const char *tenant_id, const char *config,
                               const char *after, int limit, struct program_dry_run *out)
{
	struct dry_run_args a = {tenant_id, config, after, limit, out};
	memset(out, 0, sizeof(*out));
	enum db_status st = db_read(pool, tenant_id, do_dry_run, &a);
	if (st != DB_OK) {
		json_decref(out->page);
		out->page = NULL;
	}
	return st;
}
