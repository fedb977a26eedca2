/* store_customers.c - customers. */
#include "store/store_customers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/page.h"

struct upsert_args {
	const char *tenant_id, *external_id;
	const struct customer_input *in;
	bool *created;
	char **json;
};

static enum db_status do_upsert(struct db *db, void *arg)
{
	struct upsert_args *a = arg;
	const struct customer_input *in = a->in;
	PGresult *res = NULL;
	const char *params[] = {a->tenant_id,
	                        a->external_id,
	                        in->email,
	                        in->name,
	                        in->phone,
	                        in->signup_at[0] ? in->signup_at : NULL,
	                        in->birthday[0] ? in->birthday : NULL,
	                        in->attributes,
	                        in->tags};
	enum db_status st = db_query(db, SQL_CUSTOMER_UPSERT, 9, params, &res);
	if (st != DB_OK)
		return st;
	*a->created = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	free(*a->json);
	*a->json = strdup(PQgetvalue(res, 0, 1));
	PQclear(res);
	return *a->json ? DB_OK : DB_ERROR;
}

enum db_status customers_upsert(struct pool *pool, const char *tenant_id, const char *external_id,
                                const struct customer_input *in, bool *created, char **json)
{
	struct upsert_args a = {tenant_id, external_id, in, created, json};
	*json = NULL;
	enum db_status st = db_transaction(pool, tenant_id, do_upsert, &a);
	if (st != DB_OK) {
		free(*json);
		*json = NULL;
	}
	return st;
}

struct value_args {
	enum sql_query q;
	const char *const *params;
	int nparams;
	char **value;
};

static enum db_status do_value(struct db *db, void *arg)
{
	struct value_args *a = arg;
	free(*a->value);
	return db_value(db, a->q, a->nparams, a->params, a->value);
}

enum db_status customers_get(struct pool *pool, const char *tenant_id, const char *external_id,
                             char **json)
{
	const char *params[] = {tenant_id, external_id};
	struct value_args a = {SQL_CUSTOMER_GET, params, 2, json};
	*json = NULL;
	return db_read(pool, tenant_id, do_value, &a);
}

enum db_status customers_export(struct pool *pool, const char *tenant_id, const char *external_id,
                                char **json)
{
	const char *params[] = {tenant_id, external_id};
	struct value_args a = {SQL_CUSTOMER_EXPORT, params, 2, json};
	*json = NULL;
	/* REPEATABLE READ would matter with several statements; this is one. */
	return db_read(pool, tenant_id, do_value, &a);
}

enum db_status customers_erase(struct pool *pool, const char *tenant_id, const char *external_id,
                               bool *found)
{
	const char *params[] = {tenant_id, external_id};
	char *id = NULL;
	struct value_args a = {SQL_CUSTOMER_DELETE, params, 2, &id};
	enum db_status st = db_transaction(pool, tenant_id, do_value, &a);
	*found = st == DB_OK && id != NULL;
	free(id);
	return st;
}

struct list_args {
	const char *tenant_id;
	const struct customer_filter *f;
	char **page;
	size_t *len;
};

static enum db_status do_list(struct db *db, void *arg)
{
	struct list_args *a = arg;
	const struct customer_filter *f = a->f;
	char limit[16];
	PGresult *res = NULL;
	snprintf(limit, sizeof(limit), "%d", f->limit + 1);
	const char *params[] = {a->tenant_id, f->after_id, f->created_after,
	                        f->tag,       f->email,    limit};
	enum db_status st = db_query(db, SQL_CUSTOMER_LIST, 6, params, &res);
	if (st != DB_OK)
		return st;
	int rows = PQntuples(res);
	const char *payload = rows > f->limit ? PQgetvalue(res, f->limit - 1, 0) : NULL;
	free(*a->page);
	*a->page = page_render(res, 1, f->limit, f->cursor_scope, payload, a->len);
	PQclear(res);
	return *a->page ? DB_OK : DB_ERROR;
}

enum db_status customers_list(struct pool *pool, const char *tenant_id,
                              const struct customer_filter *f, char **page, size_t *len)
{
	struct list_args a = {tenant_id, f, page, len};
	*page = NULL;
	return db_read(pool, tenant_id, do_list, &a);
}
