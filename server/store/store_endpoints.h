/* store_endpoints.h - the event endpoints of a tenant (Standard Webhooks receivers), their
 * signing secrets, their messages in the outbox, and the tenant's settings of the daily
 * evaluation (sql/queries/endpoint_*.sql, outbound_settings_*.sql). The dispatcher's side
 * of the outbox is store_outbox.h. Every JSON text answered is malloc'd; the caller frees. */
#ifndef LOYALTYD_STORE_ENDPOINTS_H
#define LOYALTYD_STORE_ENDPOINTS_H

#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"

#define ENDPOINTS_MAX 50 /* per tenant (endpoint_create.sql) */

struct endpoint_spec {
	const char *url;
	const char *event_types; /* a PostgreSQL text[] literal of known types; NULL: every type */
	bool enabled;
	const char *description;
	const char *secret; /* whsec_…, checked */
};

/* Registers an endpoint. *json is the endpoint as GET shows it, or NULL when the tenant
 * has ENDPOINTS_MAX already. */
__attribute__((warn_unused_result)) enum db_status
endpoints_create(struct pool *pool, const char *tenant_id, const struct endpoint_spec *spec,
                 char **json);

/* Every endpoint of the tenant as one JSON array, oldest first. */
__attribute__((warn_unused_result)) enum db_status
endpoints_list(struct pool *pool, const char *tenant_id, char **json);

/* One endpoint; *json NULL when the tenant has no such one. */
__attribute__((warn_unused_result)) enum db_status
endpoints_get(struct pool *pool, const char *tenant_id, const char *id, char **json);

/* What a PATCH changes: NULL keeps a field. */
struct endpoint_patch {
	const char *url;
	bool set_types;          /* event_types is given (NULL then: every type) */
	const char *event_types; /* text[] literal */
	const char *enabled;     /* "true", "false" or NULL */
	const char *description;
};

/* Changes an endpoint; *json is the result, NULL when there is no such one. */
__attribute__((warn_unused_result)) enum db_status
endpoints_update(struct pool *pool, const char *tenant_id, const char *id,
                 const struct endpoint_patch *patch, char **json);

/* Deletes an endpoint, its secrets and its messages. */
__attribute__((warn_unused_result)) enum db_status
endpoints_delete(struct pool *pool, const char *tenant_id, const char *id, bool *found);

/* Makes secret the endpoint's current signing secret; the others sign on for overlap_s
 * seconds at most. *json: {"id", "fingerprint", "created_at", "previous_expires_at"}, or
 * NULL when there is no such endpoint. */
__attribute__((warn_unused_result)) enum db_status
endpoints_rotate(struct pool *pool, const char *tenant_id, const char *id, const char *secret,
                 long overlap_s, char **json);

struct message_filter {
	const char *status;   /* "pending", "delivered", "failed" or NULL */
	const char *after_id; /* the cursor: the last message id seen, or NULL */
	int limit;
	const char *cursor_scope; /* of next_cursor (cursor.h) */
};

/* One page of an endpoint's messages, newest first; *found false when there is no such
 * endpoint (then *page is NULL). */
__attribute__((warn_unused_result)) enum db_status
endpoints_messages(struct pool *pool, const char *tenant_id, const char *id,
                   const struct message_filter *f, char **page, size_t *len, bool *found);

/* Makes message message_id (its number, without msg_) of the endpoint due at once. *json
 * is the message, NULL when there is no such one or a dispatcher holds it this moment. */
__attribute__((warn_unused_result)) enum db_status
endpoints_retry(struct pool *pool, const char *tenant_id, const char *id, const char *message_id,
                char **json);

/* Makes the delivered and failed messages of the endpoint written in [from, to) due again.
 * *count: how many, or -1 when there is no such endpoint. */
__attribute__((warn_unused_result)) enum db_status
endpoints_replay(struct pool *pool, const char *tenant_id, const char *id, const char *from,
                 const char *to, long *count);

/* Writes an endpoint.test message for the endpoint; *json the message, NULL when there is
 * no such endpoint. */
__attribute__((warn_unused_result)) enum db_status
endpoints_test(struct pool *pool, const char *tenant_id, const char *id, char **json);

/* The tenant's settings of the daily evaluation: {"tz", "run_at", "expiring_days",
 * "last_run_on"}. */
__attribute__((warn_unused_result)) enum db_status
outbound_settings_get(struct pool *pool, const char *tenant_id, char **json);

/* Sets them (run_at "HH:MM"); DB_INVALID when PostgreSQL does not know the time zone. */
__attribute__((warn_unused_result)) enum db_status
outbound_settings_put(struct pool *pool, const char *tenant_id, const char *tz, const char *run_at,
                      int expiring_days, char **json);

#endif
