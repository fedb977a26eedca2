/* store_tenants.c - tenants. */
#include "store/store_tenants.h"

#include "domain/scope.h"
#include "store/store_keys.h"

struct create_args {
	const char *name;
	json_t **out;
};

static enum db_status do_create(struct db *db, void *arg)
{
	struct create_args *a = arg;
	PGresult *res = NULL;
	json_t *key = NULL;
	const char *params[] = {a->name};
	json_decref(*a->out); /* from an attempt that was retried */
	*a->out = NULL;
	enum db_status st = db_query(db, SQL_TENANT_INSERT, 1, params, &res);
	if (st != DB_OK)
		return st;
	json_t *tenant = json_pack("{s:s, s:s, s:s}", "id", PQgetvalue(res, 0, 0), "name",
	                           PQgetvalue(res, 0, 1), "created_at", PQgetvalue(res, 0, 2));
	/* the new tenant is the one this transaction works for from here on */
	const char *id[] = {PQgetvalue(res, 0, 0)};
	st = db_query(db, SQL_TENANT_USE, 1, id, NULL);
	if (st == DB_OK)
		st = keys_insert(db, &(struct key_spec){PQgetvalue(res, 0, 0), "admin", SCOPE_ALL},
		                 &key);
	PQclear(res);
	if (st != DB_OK || !tenant) {
		json_decref(tenant);
		return st != DB_OK ? st : DB_ERROR;
	}
	*a->out = json_pack("{s:o, s:o}", "tenant", tenant, "api_key", key);
	return *a->out ? DB_OK : DB_ERROR;
}

enum db_status tenants_create(struct pool *pool, const char *name, json_t **out)
{
	struct create_args a = {name, out};
	*out = NULL;
	enum db_status st = db_transaction(pool, NULL, do_create, &a);
	if (st != DB_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return st;
}
