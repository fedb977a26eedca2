/* store_webhooks.h - webhook sources, their secrets and the deliveries they post, in
 * PostgreSQL. Every function is scoped by the tenant: of the API key for the sources, of
 * the webhook path for deliveries (whose signature then proves the sender). */
#ifndef LOYALTYD_STORE_WEBHOOKS_H
#define LOYALTYD_STORE_WEBHOOKS_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/webhook_map.h"
#include "store/db.h"

#define WEBHOOK_SECRETS_MAX 2 /* the old and the new while rotating */
#define WEBHOOK_SECRET_MAX_BYTES 2048
#define WEBHOOK_SHOP_MAX 255

/* The secrets that may have signed a delivery, newest first. */
struct webhook_keys {
	size_t n;
	char shop[WEBHOOK_SHOP_MAX + 1];
	bool count_test_orders; /* Shopify orders with "test": true are stored */
	char secret[WEBHOOK_SECRETS_MAX][WEBHOOK_SECRET_MAX_BYTES + 1];
};

/* Fills keys for the tenant's source of kind (keys->n == 0 when it has none). */
__attribute__((warn_unused_result)) enum db_status webhook_keys_get(struct pool *pool,
                                                                    const char *tenant_id,
                                                                    enum webhook_kind kind,
                                                                    struct webhook_keys *keys);

enum webhook_outcome { WEBHOOK_PROCESSED, WEBHOOK_DUPLICATE };

/* Applies a mapped command (webhook_map.h; borrowed) once per delivery key (NULL: no key)
 * in one transaction: the state of its customer and order, then the events it calls for,
 * stored as POST /v1/events stores them (points earned and taken back included).
 * *stored counts the new events. DB_OK only after COMMIT. */
__attribute__((warn_unused_result)) enum db_status
webhook_deliver(struct pool *pool, const char *tenant_id, enum webhook_kind kind,
                const char *delivery, const json_t *cmd, enum webhook_outcome *outcome,
                long *stored);

enum webhook_change {
	WEBHOOK_DONE,
	WEBHOOK_NO_SOURCE, /* 404: no such source (or secret) for the tenant */
	WEBHOOK_EXISTS,    /* 409: the tenant has a source of this kind already */
	WEBHOOK_FULL,      /* 409: two secrets already */
	WEBHOOK_LAST       /* 409: the source's only secret */
};

/* Creates the tenant's source of kind for shop with its first secret, counting Shopify's
 * test orders or not. On DB_OK with *change == WEBHOOK_DONE, *source is the new source's
 * JSON (new reference). */
__attribute__((warn_unused_result)) enum db_status
webhook_source_create(struct pool *pool, const char *tenant_id, enum webhook_kind kind,
                      const char *shop, const char *secret, bool count_test_orders,
                      enum webhook_change *change, json_t **source);

/* The tenant's sources as a JSON array (new reference). */
__attribute__((warn_unused_result)) enum db_status
webhook_source_list(struct pool *pool, const char *tenant_id, json_t **list);

/* Source id of the tenant as JSON (new reference), or *source NULL when there is none. */
__attribute__((warn_unused_result)) enum db_status
webhook_source_get(struct pool *pool, const char *tenant_id, const char *id, json_t **source);

/* Deletes source id with its secrets. *found is false when the tenant has no such one. */
__attribute__((warn_unused_result)) enum db_status
webhook_source_delete(struct pool *pool, const char *tenant_id, const char *id, bool *found);

/* Adds a secret to source id. On WEBHOOK_DONE *secret_json is {id, fingerprint,
 * created_at} (new reference). */
__attribute__((warn_unused_result)) enum db_status
webhook_secret_add(struct pool *pool, const char *tenant_id, const char *id, const char *secret,
                   enum webhook_change *change, json_t **secret_json);

/* Deletes secret secret_id of source id, unless it is the last one. */
__attribute__((warn_unused_result)) enum db_status
webhook_secret_delete(struct pool *pool, const char *tenant_id, const char *id,
                      const char *secret_id, enum webhook_change *change);

#endif
