/* store_webhooks.c - webhook sources and deliveries. */
#include "store/store_webhooks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "store/store_events.h"

struct keys_args {
	const char *tenant_id;
	enum webhook_kind kind;
	struct webhook_keys *keys;
};

static enum db_status do_keys(struct db *db, void *arg)
{
	struct keys_args *a = arg;
	PGresult *res = NULL;
	const char *params[] = {a->tenant_id, webhook_kind_name(a->kind)};
	enum db_status st = db_query(db, SQL_WEBHOOK_SECRETS_FOR, 2, params, &res);
	if (st != DB_OK)
		return st;
	a->keys->n = 0;
	for (int i = 0; i < PQntuples(res) && a->keys->n < WEBHOOK_SECRETS_MAX; i++) {
		snprintf(a->keys->shop, sizeof(a->keys->shop), "%s", PQgetvalue(res, i, 0));
		a->keys->count_test_orders = strcmp(PQgetvalue(res, i, 2), "t") == 0;
		snprintf(a->keys->secret[a->keys->n], sizeof(a->keys->secret[0]), "%s",
		         PQgetvalue(res, i, 1));
		a->keys->n++;
	}
	PQclear(res);
	return DB_OK;
}

enum db_status webhook_keys_get(struct pool *pool, const char *tenant_id, enum webhook_kind kind,
                                struct webhook_keys *keys)
{
	struct keys_args a = {tenant_id, kind, keys};
	keys->n = 0;
	keys->shop[0] = '\0';
	return db_read(pool, tenant_id, do_keys, &a);
}

struct deliver_args {
	const char *tenant_id;
	enum webhook_kind kind;
	const char *delivery;
	const char *cmd;
	enum webhook_outcome *outcome;
	long *stored;
};

static enum db_status do_deliver(struct db *db, void *arg)
{
	struct deliver_args *a = arg;
	char *answer = NULL;
	const char *params[] = {a->tenant_id, webhook_kind_name(a->kind), a->delivery, a->cmd};
	*a->stored = 0;
	enum db_status st = db_value(db, SQL_WEBHOOK_APPLY, 4, params, &answer);
	if (st != DB_OK)
		return st;
	json_t *j = answer ? json_loads(answer, 0, NULL) : NULL;
	free(answer);
	const char *outcome = json_string_value(json_object_get(j, "outcome"));
	json_t *events = json_object_get(j, "events");
	if (!outcome || !json_is_array(events)) {
		json_decref(j);
		log_msg(LOG_ERROR, "webhook_apply answered no outcome", a->tenant_id);
		return DB_ERROR;
	}
	*a->outcome = strcmp(outcome, "duplicate") == 0 ? WEBHOOK_DUPLICATE : WEBHOOK_PROCESSED;
	if (json_array_size(events) > 0) {
		char *text = json_dumps(events, JSON_COMPACT);
		st = text ? events_store_on(db, text, a->stored) : DB_ERROR;
		free(text);
	}
	json_decref(j);
	return st;
}

enum db_status webhook_deliver(struct pool *pool, const char *tenant_id, enum webhook_kind kind,
                               const char *delivery, const json_t *cmd,
                               enum webhook_outcome *outcome, long *stored)
{
	char *text = json_dumps(cmd, JSON_COMPACT);
	struct deliver_args a = {tenant_id, kind, delivery, text, outcome, stored};
	*outcome = WEBHOOK_PROCESSED;
	*stored = 0;
	if (!text)
		return DB_ERROR;
	enum db_status st = db_transaction(pool, tenant_id, do_deliver, &a);
	free(text);
	return st;
}

/* Runs q (one row, one JSON column) into *out (new reference; NULL without a row). */
static enum db_status json_row(struct db *db, enum sql_query q, int n, const char *const *params,
                               json_t **out)
{
	char *text = NULL;
	enum db_status st = db_value(db, q, n, params, &text);
	*out = NULL;
	if (st != DB_OK || !text)
		return st;
	*out = json_loads(text, 0, NULL);
	free(text);
	return *out ? DB_OK : DB_ERROR;
}

struct source_args {
	const char *tenant_id;
	const char *id; /* the source */
	const char *kind, *shop, *secret, *secret_id;
	const char *count_test_orders; /* "true" or "false" */
	enum webhook_change *change;
	json_t **out;
	bool *found;
};

static enum db_status do_create(struct db *db, void *arg)
{
	struct source_args *a = arg;
	char *id = NULL;
	const char *params[] = {a->tenant_id, a->kind, a->shop, a->count_test_orders};
	json_decref(*a->out);
	*a->out = NULL;
	enum db_status st = db_value(db, SQL_WEBHOOK_SOURCE_INSERT, 4, params, &id);
	if (st != DB_OK)
		return st;
	if (!id) {
		*a->change = WEBHOOK_EXISTS;
		return DB_ROLLBACK;
	}
	const char *secret[] = {a->tenant_id, id, a->secret};
	st = db_query(db, SQL_WEBHOOK_SECRET_INSERT, 3, secret, NULL);
	if (st == DB_OK)
		st = json_row(db, SQL_WEBHOOK_SOURCE_GET, 2, secret, a->out);
	free(id);
	*a->change = WEBHOOK_DONE;
	return st;
}

static enum db_status settled(enum db_status st)
{
	return st == DB_ROLLBACK ? DB_OK : st;
}

enum db_status webhook_source_create(struct pool *pool, const char *tenant_id,
                                     enum webhook_kind kind, const char *shop, const char *secret,
                                     bool count_test_orders, enum webhook_change *change,
                                     json_t **source)
{
	struct source_args a = {.tenant_id = tenant_id,
	                        .kind = webhook_kind_name(kind),
	                        .shop = shop,
	                        .secret = secret,
	                        .count_test_orders = count_test_orders ? "true" : "false",
	                        .change = change,
	                        .out = source};
	*source = NULL;
	enum db_status st = settled(db_transaction(pool, tenant_id, do_create, &a));
	if (st != DB_OK || *change != WEBHOOK_DONE) {
		json_decref(*source);
		*source = NULL;
	}
	return st;
}

static enum db_status do_list(struct db *db, void *arg)
{
	struct source_args *a = arg;
	const char *params[] = {a->tenant_id};
	json_decref(*a->out);
	return json_row(db, SQL_WEBHOOK_SOURCE_LIST, 1, params, a->out);
}

enum db_status webhook_source_list(struct pool *pool, const char *tenant_id, json_t **list)
{
	struct source_args a = {.tenant_id = tenant_id, .out = list};
	*list = NULL;
	return db_read(pool, tenant_id, do_list, &a);
}

static enum db_status do_get(struct db *db, void *arg)
{
	struct source_args *a = arg;
	const char *params[] = {a->tenant_id, a->id};
	json_decref(*a->out);
	return json_row(db, SQL_WEBHOOK_SOURCE_GET, 2, params, a->out);
}

enum db_status webhook_source_get(struct pool *pool, const char *tenant_id, const char *id,
                                  json_t **source)
{
	struct source_args a = {.tenant_id = tenant_id, .id = id, .out = source};
	*source = NULL;
	return db_read(pool, tenant_id, do_get, &a);
}

static enum db_status do_delete(struct db *db, void *arg)
{
	struct source_args *a = arg;
	char *id = NULL;
	const char *params[] = {a->tenant_id, a->id};
	enum db_status st = db_value(db, SQL_WEBHOOK_SOURCE_DELETE, 2, params, &id);
	*a->found = id != NULL;
	free(id);
	return st;
}

enum db_status webhook_source_delete(struct pool *pool, const char *tenant_id, const char *id,
                                     bool *found)
{
	struct source_args a = {.tenant_id = tenant_id, .id = id, .found = found};
	*found = false;
	return db_transaction(pool, tenant_id, do_delete, &a);
}

/* Locks the source of a; false (and WEBHOOK_NO_SOURCE) when there is none. */
static enum db_status lock_source(struct db *db, struct source_args *a, bool *locked)
{
	char *id = NULL;
	const char *params[] = {a->tenant_id, a->id};
	enum db_status st = db_value(db, SQL_WEBHOOK_SOURCE_LOCK, 2, params, &id);
	*locked = id != NULL;
	if (!*locked)
		*a->change = WEBHOOK_NO_SOURCE;
	free(id);
	return st;
}

static enum db_status do_secret_add(struct db *db, void *arg)
{
	struct source_args *a = arg;
	bool locked;
	json_decref(*a->out);
	*a->out = NULL;
	enum db_status st = lock_source(db, a, &locked);
	if (st != DB_OK || !locked)
		return st;
	const char *params[] = {a->tenant_id, a->id, a->secret};
	st = json_row(db, SQL_WEBHOOK_SECRET_INSERT, 3, params, a->out);
	if (st == DB_OK)
		*a->change = *a->out ? WEBHOOK_DONE : WEBHOOK_FULL;
	return st;
}

enum db_status webhook_secret_add(struct pool *pool, const char *tenant_id, const char *id,
                                  const char *secret, enum webhook_change *change,
                                  json_t **secret_json)
{
	struct source_args a = {.tenant_id = tenant_id,
	                        .id = id,
	                        .secret = secret,
	                        .change = change,
	                        .out = secret_json};
	*secret_json = NULL;
	enum db_status st = db_transaction(pool, tenant_id, do_secret_add, &a);
	if (st != DB_OK) {
		json_decref(*secret_json);
		*secret_json = NULL;
	}
	return st;
}

static enum db_status do_secret_delete(struct db *db, void *arg)
{
	struct source_args *a = arg;
	PGresult *res = NULL;
	bool locked;
	enum db_status st = lock_source(db, a, &locked);
	if (st != DB_OK || !locked)
		return st;
	const char *params[] = {a->tenant_id, a->id, a->secret_id};
	st = db_query(db, SQL_WEBHOOK_SECRET_DELETE, 3, params, &res);
	if (st != DB_OK)
		return st;
	bool deleted = strcmp(PQgetvalue(res, 0, 0), "1") == 0;
	bool existed = strcmp(PQgetvalue(res, 0, 1), "1") == 0;
	PQclear(res);
	*a->change = deleted ? WEBHOOK_DONE : existed ? WEBHOOK_LAST : WEBHOOK_NO_SOURCE;
	return DB_OK;
}

enum db_status webhook_secret_delete(struct pool *pool, const char *tenant_id, const char *id,
                                     const char *secret_id, enum webhook_change *change)
{
	struct source_args a = {
	    .tenant_id = tenant_id, .id = id, .secret_id = secret_id, .change = change};
	return db_transaction(pool, tenant_id, do_secret_delete, &a);
}
