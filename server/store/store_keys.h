/* store_keys.h - API keys in PostgreSQL. Every function is scoped by a tenant id except
 * the lookup by key prefix, which is how the tenant is found in the first place. */
#ifndef LOYALTYD_STORE_KEYS_H
#define LOYALTYD_STORE_KEYS_H

#include <jansson.h>

#include "base/apikey.h"
#include "domain/principal.h"
#include "store/db.h"

#define KEYS_LOOKUP_MAX 4

struct key_candidate {
	char id[TENANT_ID_LEN + 1];
	char tenant_id[TENANT_ID_LEN + 1];
	unsigned char hash[APIKEY_HASH_LEN];
	unsigned scopes;
};

/* Finds active keys whose clear prefix is prefix; fills up to KEYS_LOOKUP_MAX candidates
 * and *n. The caller compares hashes. */
__attribute__((warn_unused_result)) enum db_status
keys_lookup(struct pool *pool, const char *prefix, struct key_candidate *out, size_t *n);

/* What a new key is: its tenant, name and scopes (scope.h bits). */
struct key_spec {
	const char *tenant_id;
	const char *name;
	unsigned scopes;
};

/* Creates the key of spec in a transaction of its own. On DB_OK *key is a new JSON object
 * {id, name, prefix, scopes, created_at, secret}; the secret is in no other place. */
__attribute__((warn_unused_result)) enum db_status
keys_create(struct pool *pool, const struct key_spec *spec, json_t **key);

/* keys_create() on db, inside the caller's transaction (a new tenant's first key). */
__attribute__((warn_unused_result)) enum db_status
keys_insert(struct db *db, const struct key_spec *spec, json_t **key);

/* Lists up to limit keys of the tenant after cursor (NULL: from the start). On DB_OK
 * *page is {"data": [...], "next_cursor": …|null} (new reference), its cursor in
 * cursor_scope (cursor.h). */
__attribute__((warn_unused_result)) enum db_status
keys_list(struct pool *pool, const char *tenant_id, const char *cursor_seq, int limit,
          const char *cursor_scope, json_t **page);

/* Revokes key id of the tenant. *found is false when the tenant has no such key. */
__attribute__((warn_unused_result)) enum db_status
keys_revoke(struct pool *pool, const char *tenant_id, const char *id, bool *found);

#endif
