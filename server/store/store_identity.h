/* store_identity.h - identity verification settings and secrets (identity.h) in
 * PostgreSQL, always within one tenant. Texts returned are JSON the database rendered
 * (identity_json()), malloc'd: the caller frees them or hands them to http_reply_owned(). */
#ifndef LOYALTYD_STORE_IDENTITY_H
#define LOYALTYD_STORE_IDENTITY_H

#include <stdbool.h>

#include "domain/identity.h"
#include "store/db.h"

enum identity_change {
	IDENTITY_DONE,
	IDENTITY_NO_SECRET, /* 422: verification cannot be required without a secret */
	IDENTITY_FULL,      /* 409: two secrets already */
	IDENTITY_NOT_FOUND, /* 404: no such secret */
	IDENTITY_LAST       /* 409: the only secret while verification is required */
};

/* *json: {"required", "secrets": [{"id", "fingerprint", "created_at"}]}. */
__attribute__((warn_unused_result)) enum db_status
identity_settings_get(struct pool *pool, const char *tenant_id, char **json);

/* Requires verification or not; on IDENTITY_DONE *json is the settings. */
__attribute__((warn_unused_result)) enum db_status
identity_required_set(struct pool *pool, const char *tenant_id, bool required,
                      enum identity_change *change, char **json);

/* Adds a new random secret; on IDENTITY_DONE *json is {"id", "secret", "fingerprint",
 * "created_at"}, the only time the secret is shown. */
__attribute__((warn_unused_result)) enum db_status identity_secret_add(struct pool *pool,
                                                                       const char *tenant_id,
                                                                       enum identity_change *change,
                                                                       char **json);

/* Deletes secret id, unless verification is required and it is the last one. */
__attribute__((warn_unused_result)) enum db_status
identity_secret_delete(struct pool *pool, const char *tenant_id, const char *id,
                       enum identity_change *change);

/* The secrets that verify a customer_hash (identity.h); out->n is 0 when the tenant does
 * not require verification. */
__attribute__((warn_unused_result)) enum db_status
identity_secrets_required(struct pool *pool, const char *tenant_id, struct identity_secrets *out);

#endif
