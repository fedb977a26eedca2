/* store_outbound_daily.c - the daily evaluation's statements. */
#include "store/store_outbound_daily.h"

#include <stdlib.h>
#include <string.h>

struct due_args {
	outbound_tenant_id *tenants;
	size_t n;
};

static enum db_status do_due(struct db *db, void *arg)
{
	struct due_args *a = arg;
	PGresult *res = NULL;
	enum db_status st = db_query(db, SQL_OUTBOUND_DAILY_DUE, 0, NULL, &res);
	if (st != DB_OK)
		return st;
	size_t rows = (size_t)PQntuples(res);
	free(a->tenants);
	a->tenants = rows ? calloc(rows, sizeof(*a->tenants)) : NULL;
	a->n = 0;
	if (rows && !a->tenants) {
		PQclear(res);
		return DB_ERROR;
	}
	for (size_t i = 0; i < rows; i++) {
		const char *id = PQgetvalue(res, (int)i, 0);
		if (strlen(id) < sizeof(*a->tenants))
			memcpy(a->tenants[a->n++], id, strlen(id) + 1);
	}
	PQclear(res);
	return DB_OK;
}

enum db_status outbound_daily_due(struct pool *pool, outbound_tenant_id **tenants, size_t *n)
{
	struct due_args a = {0};
	enum db_status st = db_read(pool, NULL, do_due, &a);
	if (st != DB_OK) {
		free(a.tenants);
		a.tenants = NULL;
		a.n = 0;
	}
	*tenants = a.tenants;
	*n = a.n;
	return st;
}

struct run_args {
	const char *tenant;
	bool force;
	struct outbound_daily_result *out;
};

static enum db_status do_run(struct db *db, void *arg)
{
	struct run_args *a = arg;
	PGresult *res = NULL;
	const char *params[] = {a->tenant, a->force ? "true" : "false"};
	enum db_status st = db_query(db, SQL_OUTBOUND_DAILY_RUN, 2, params, &res);
	if (st != DB_OK)
		return st;
	struct outbound_daily_result *o = a->out;
	o->ran = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	o->baseline = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	o->entered = strtol(PQgetvalue(res, 0, 2), NULL, 10);
	o->expiring = strtol(PQgetvalue(res, 0, 3), NULL, 10);
	o->tier_changes = strtol(PQgetvalue(res, 0, 4), NULL, 10);
	PQclear(res);
	return DB_OK;
}

enum db_status outbound_daily_tenant(struct pool *pool, const char *tenant, bool force,
                                     struct outbound_daily_result *out)
{
	struct run_args a = {tenant, force, out};
	memset(out, 0, sizeof(*out));
	enum db_status st = db_transaction(pool, tenant, do_run, &a);
	if (st != DB_OK)
		memset(out, 0, sizeof(*out));
	return st;
}
