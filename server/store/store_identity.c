/* store_identity.c - identity verification settings and secrets. */
#include "store/store_identity.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct identity_args {
	const char *tenant_id;
	const char *id;    /* a secret's */
	const char *value; /* "true"/"false", or a new secret */
	enum identity_change *change;
	char **json;
	struct identity_secrets *secrets;
	long nsecrets; /* set by lock_settings: how many secrets the tenant has */
	bool required; /* and whether it requires verification */
};

static enum db_status do_get(struct db *db, void *arg)
{
	struct identity_args *a = arg;
	const char *params[] = {a->tenant_id};
	free(*a->json);
	*a->json = NULL;
	return db_value(db, SQL_IDENTITY_GET, 1, params, a->json);
}

enum db_status identity_settings_get(struct pool *pool, const char *tenant_id, char **json)
{
	struct identity_args a = {.tenant_id = tenant_id, .json = json};
	*json = NULL;
	return db_read(pool, tenant_id, do_get, &a);
}

/* Locks the tenant's settings row and reads a->nsecrets and a->required. Drops the answer
 * of an earlier run of the same work (a transaction may run again). */
static enum db_status lock_settings(struct db *db, struct identity_args *a)
{
	PGresult *res = NULL;
	const char *params[] = {a->tenant_id};
	free(*a->json);
	*a->json = NULL;
	enum db_status st = db_query(db, SQL_IDENTITY_LOCK, 1, params, &res);
	if (st != DB_OK)
		return st;
	a->nsecrets = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	a->required = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	PQclear(res);
	return DB_OK;
}

static enum db_status do_required_set(struct db *db, void *arg)
{
	struct identity_args *a = arg;
	enum db_status st = lock_settings(db, a);
	if (st != DB_OK)
		return st;
	if (strcmp(a->value, "true") == 0 && a->nsecrets == 0) {
		*a->change = IDENTITY_NO_SECRET;
		return DB_ROLLBACK;
	}
	const char *params[] = {a->tenant_id, a->value};
	*a->change = IDENTITY_DONE;
	st = db_query(db, SQL_IDENTITY_REQUIRED_SET, 2, params, NULL);
	/* a new statement, so that it sees the change */
	return st == DB_OK ? db_value(db, SQL_IDENTITY_GET, 1, params, a->json) : st;
}

/* A refusal the work chose (DB_ROLLBACK) is an answer, not a failure. */
static enum db_status settled(enum db_status st, struct identity_args *a)
{
	if (st != DB_OK && st != DB_ROLLBACK) {
		free(*a->json);
		*a->json = NULL;
	}
	return st == DB_ROLLBACK ? DB_OK : st;
}

enum db_status identity_required_set(struct pool *pool, const char *tenant_id, bool required,
                                     enum identity_change *change, char **json)
{
	struct identity_args a = {.tenant_id = tenant_id,
	                          .value = required ? "true" : "false",
	                          .change = change,
	                          .json = json};
	*json = NULL;
	return settled(db_transaction(pool, tenant_id, do_required_set, &a), &a);
}

static enum db_status do_secret_add(struct db *db, void *arg)
{
	struct identity_args *a = arg;
	enum db_status st = lock_settings(db, a);
	if (st != DB_OK)
		return st;
	if (a->nsecrets >= IDENTITY_SECRETS_MAX) {
		*a->change = IDENTITY_FULL;
		return DB_ROLLBACK;
	}
	const char *params[] = {a->tenant_id, a->value};
	*a->change = IDENTITY_DONE;
	return db_value(db, SQL_IDENTITY_SECRET_INSERT, 2, params, a->json);
}

enum db_status identity_secret_add(struct pool *pool, const char *tenant_id,
                                   enum identity_change *change, char **json)
{
	char secret[IDENTITY_SECRET_LEN + 1];
	*json = NULL;
	if (identity_secret_generate(secret) != 0)
		return DB_ERROR;
	struct identity_args a = {
	    .tenant_id = tenant_id, .value = secret, .change = change, .json = json};
	enum db_status st = settled(db_transaction(pool, tenant_id, do_secret_add, &a), &a);
	OPENSSL_cleanse(secret, sizeof(secret));
	return st;
}

static enum db_status do_secret_delete(struct db *db, void *arg)
{
	struct identity_args *a = arg;
	char *deleted = NULL;
	enum db_status st = lock_settings(db, a);
	if (st != DB_OK)
		return st;
	const char *params[] = {a->tenant_id, a->id};
	st = db_value(db, SQL_IDENTITY_SECRET_DELETE, 2, params, &deleted);
	if (st != DB_OK)
		return st;
	bool found = deleted && strcmp(deleted, "1") == 0;
	free(deleted);
	if (!found) {
		*a->change = IDENTITY_NOT_FOUND;
		return DB_ROLLBACK;
	}
	if (a->required && a->nsecrets == 1) {
		*a->change = IDENTITY_LAST;
		return DB_ROLLBACK;
	}
	*a->change = IDENTITY_DONE;
	return DB_OK;
}

enum db_status identity_secret_delete(struct pool *pool, const char *tenant_id, const char *id,
                                      enum identity_change *change)
{
	char *none = NULL;
	struct identity_args a = {
	    .tenant_id = tenant_id, .id = id, .change = change, .json = &none};
	return settled(db_transaction(pool, tenant_id, do_secret_delete, &a), &a);
}

static enum db_status do_secrets_required(struct db *db, void *arg)
{
	struct identity_args *a = arg;
	PGresult *res = NULL;
	const char *params[] = {a->tenant_id};
	enum db_status st = db_query(db, SQL_IDENTITY_SECRETS_REQUIRED, 1, params, &res);
	if (st != DB_OK)
		return st;
	a->secrets->n = 0;
	for (int i = 0; i < PQntuples(res) && a->secrets->n < IDENTITY_SECRETS_MAX; i++)
		snprintf(a->secrets->secret[a->secrets->n++], sizeof(a->secrets->secret[0]), "%s",
		         PQgetvalue(res, i, 0));
	PQclear(res);
	return DB_OK;
}

enum db_status identity_secrets_required(struct pool *pool, const char *tenant_id,
                                         struct identity_secrets *out)
{
	struct identity_args a = {.tenant_id = tenant_id, .secrets = out};
	out->n = 0;
	return db_read(pool, tenant_id, do_secrets_required, &a);
}
