/* store_keys.c - API keys. */
#include "store/store_keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cursor.h"
#include "base/hex.h"
#include "domain/scope.h"

struct lookup_args {
	const char *prefix;
	struct key_candidate *out;
	size_t *n;
};

static enum db_status do_lookup(struct db *db, void *arg)
{
	struct lookup_args *a = arg;
	PGresult *res = NULL;
	const char *params[] = {a->prefix};
	enum db_status st = db_query(db, SQL_KEY_LOOKUP, 1, params, &res);
	if (st != DB_OK)
		return st;
	*a->n = 0;
	for (int i = 0; i < PQntuples(res) && *a->n < KEYS_LOOKUP_MAX; i++) {
		struct key_candidate *c = &a->out[*a->n];
		snprintf(c->id, sizeof(c->id), "%s", PQgetvalue(res, i, 0));
		snprintf(c->tenant_id, sizeof(c->tenant_id), "%s", PQgetvalue(res, i, 1));
		if (hex_decode(PQgetvalue(res, i, 2), c->hash, APIKEY_HASH_LEN) != 0)
			continue;
		c->scopes = scopes_parse_pg(PQgetvalue(res, i, 3));
		(*a->n)++;
	}
	PQclear(res);
	return DB_OK;
}

enum db_status keys_lookup(struct pool *pool, const char *prefix, struct key_candidate *out,
                           size_t *n)
{
	struct lookup_args a = {prefix, out, n};
	*n = 0;
	return db_read(pool, NULL, do_lookup, &a); /* before any tenant is known: key_lookup() */
}

/* {id, name, prefix, scopes, created_at[, revoked_at]} from row i of a key query. */
static json_t *key_json(const PGresult *res, int i, bool with_revoked)
{
	json_t *k = json_pack("{s:s, s:s, s:s, s:o, s:s}", "id", PQgetvalue(res, i, 0), "name",
	                      PQgetvalue(res, i, 1), "prefix", PQgetvalue(res, i, 2), "scopes",
	                      scopes_json(scopes_parse_pg(PQgetvalue(res, i, 3))), "created_at",
	                      PQgetvalue(res, i, 4));
	if (k && with_revoked)
		json_object_set_new(k, "revoked_at",
		                    PQgetisnull(res, i, 5) ? json_null()
		                                           : json_string(PQgetvalue(res, i, 5)));
	return k;
}

enum db_status keys_insert(struct db *db, const struct key_spec *spec, json_t **key)
{
	char secret[APIKEY_LEN + 1], prefix[APIKEY_PREFIX_LEN + 1];
	unsigned char hash[APIKEY_HASH_LEN];
	char hash_hex[2 * APIKEY_HASH_LEN + 1], scopes_text[64];
	PGresult *res = NULL;
	*key = NULL;
	if (apikey_generate(secret) != 0)
		return DB_ERROR;
	memcpy(prefix, secret, APIKEY_PREFIX_LEN);
	prefix[APIKEY_PREFIX_LEN] = '\0';
	apikey_hash(secret, hash);
	hex_encode(hash, APIKEY_HASH_LEN, hash_hex);
	scopes_pg(spec->scopes, scopes_text, sizeof(scopes_text));
	const char *params[] = {spec->tenant_id, spec->name, prefix, hash_hex, scopes_text};
	enum db_status st = db_query(db, SQL_KEY_INSERT, 5, params, &res);
	if (st != DB_OK)
		return st;
	*key = key_json(res, 0, false);
	PQclear(res);
	if (!*key)
		return DB_ERROR;
	json_object_set_new(*key, "secret", json_string(secret));
	return DB_OK;
}

struct create_args {
	const struct key_spec *spec;
	json_t **key;
};

static enum db_status do_create(struct db *db, void *arg)
{
	struct create_args *a = arg;
	json_decref(*a->key); /* from an attempt that was retried */
	*a->key = NULL;
	return keys_insert(db, a->spec, a->key);
}

enum db_status keys_create(struct pool *pool, const struct key_spec *spec, json_t **key)
{
	struct create_args a = {spec, key};
	*key = NULL;
	enum db_status st = db_transaction(pool, spec->tenant_id, do_create, &a);
	if (st != DB_OK) {
		json_decref(*key);
		*key = NULL;
	}
	return st;
}

struct list_args {
	const char *tenant_id;
	const char *cursor;
	int limit;
	const char *cursor_scope;
	json_t **page;
};

static enum db_status do_list(struct db *db, void *arg)
{
	struct list_args *a = arg;
	char limit_plus_one[16];
	PGresult *res = NULL;
	snprintf(limit_plus_one, sizeof(limit_plus_one), "%d", a->limit + 1);
	const char *params[] = {a->tenant_id, a->cursor, limit_plus_one};
	enum db_status st = db_query(db, SQL_KEY_LIST, 3, params, &res);
	if (st != DB_OK)
		return st;
	int rows = PQntuples(res);
	int shown = rows > a->limit ? a->limit : rows;
	json_t *data = json_array();
	for (int i = 0; i < shown; i++)
		json_array_append_new(data, key_json(res, i, true));
	char cursor[CURSOR_MAX];
	bool more = rows > a->limit;
	if (more && cursor_encode(a->cursor_scope, PQgetvalue(res, shown - 1, 6), cursor) != 0) {
		json_decref(data);
		PQclear(res);
		return DB_ERROR;
	}
	*a->page = json_pack("{s:o, s:o}", "data", data, "next_cursor",
	                     more ? json_string(cursor) : json_null());
	PQclear(res);
	return *a->page ? DB_OK : DB_ERROR;
}

enum db_status keys_list(struct pool *pool, const char *tenant_id, const char *cursor_seq,
                         int limit, const char *cursor_scope, json_t **page)
{
	struct list_args a = {tenant_id, cursor_seq, limit, cursor_scope, page};
	*page = NULL;
	return db_read(pool, tenant_id, do_list, &a);
}

struct revoke_args {
	const char *tenant_id;
	const char *id;
	bool *found;
};

static enum db_status do_revoke(struct db *db, void *arg)
{
	struct revoke_args *a = arg;
	PGresult *res = NULL;
	const char *params[] = {a->tenant_id, a->id};
	enum db_status st = db_query(db, SQL_KEY_REVOKE, 2, params, &res);
	if (st != DB_OK)
		return st;
	*a->found = PQntuples(res) == 1;
	PQclear(res);
	return DB_OK;
}

enum db_status keys_revoke(struct pool *pool, const char *tenant_id, const char *id, bool *found)
{
	struct revoke_args a = {tenant_id, id, found};
	*found = false;
	return db_transaction(pool, tenant_id, do_revoke, &a);
}
