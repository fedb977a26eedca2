/* store_idempotency.c - Idempotency-Key records. */
#include "store/store_idempotency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct claim_args {
	const char *const *params;
	enum idem_claim *outcome;
};

static enum db_status do_claim(struct db *db, void *arg)
{
	struct claim_args *a = arg;
	PGresult *res = NULL;
	enum db_status st = db_query(db, SQL_IDEM_CLAIM, 3, a->params, &res);
	if (st != DB_OK)
		return st;
	bool got = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	bool claimed = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	*a->outcome = !got ? IDEM_BUSY : claimed ? IDEM_CLAIMED : IDEM_ANSWERED;
	PQclear(res);
	return DB_OK;
}

enum db_status idem_claim(struct pool *pool, const char *tenant_id, const char *key,
                          const char *hash_hex, enum idem_claim *outcome)
{
	const char *params[] = {tenant_id, key, hash_hex};
	struct claim_args a = {params, outcome};
	*outcome = IDEM_BUSY;
	if (!db_unit_held(pool))
		return DB_ERROR; /* a claim outside the request's unit would outlive it */
	return db_transaction(pool, tenant_id, do_claim, &a);
}

struct get_args {
	const char *const *params;
	struct idem_record *rec;
	bool *found;
};

static enum db_status do_get(struct db *db, void *arg)
{
	struct get_args *a = arg;
	PGresult *res = NULL;
	enum db_status st = db_query(db, SQL_IDEM_GET, 2, a->params, &res);
	if (st != DB_OK)
		return st;
	idem_record_release(a->rec);
	*a->found = PQntuples(res) == 1;
	if (*a->found) {
		snprintf(a->rec->hash, sizeof(a->rec->hash), "%s", PQgetvalue(res, 0, 0));
		a->rec->status =
		    PQgetisnull(res, 0, 1) ? 0 : (int)strtol(PQgetvalue(res, 0, 1), NULL, 10);
		if (!PQgetisnull(res, 0, 2))
			a->rec->content_type = strdup(PQgetvalue(res, 0, 2));
		if (!PQgetisnull(res, 0, 3))
			a->rec->body = strdup(PQgetvalue(res, 0, 3));
	}
	PQclear(res);
	return DB_OK;
}

enum db_status idem_get(struct pool *pool, const char *tenant_id, const char *key,
                        struct idem_record *rec, bool *found)
{
	const char *params[] = {tenant_id, key};
	struct get_args a = {params, rec, found};
	memset(rec, 0, sizeof(*rec));
	*found = false;
	return db_read(pool, tenant_id, do_get, &a);
}

void idem_record_release(struct idem_record *rec)
{
	free(rec->content_type);
	free(rec->body);
	rec->content_type = rec->body = NULL;
}

struct write_args {
	enum sql_query q;
	const char *const *params;
	int nparams;
};

static enum db_status do_write(struct db *db, void *arg)
{
	struct write_args *a = arg;
	return db_query(db, a->q, a->nparams, a->params, NULL);
}

enum db_status idem_finish(struct pool *pool, const char *tenant_id, const char *key, int status,
                           const char *content_type, const char *body)
{
	char status_text[8];
	snprintf(status_text, sizeof(status_text), "%d", status);
	const char *params[] = {tenant_id, key, status_text, content_type, body};
	struct write_args a = {SQL_IDEM_FINISH, params, 5};
	return db_transaction(pool, tenant_id, do_write, &a);
}
