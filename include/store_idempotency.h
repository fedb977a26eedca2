/* store_idempotency.h - Idempotency-Key records (idempotency.h explains the semantics). */
#ifndef LOYALTYD_STORE_IDEMPOTENCY_H
#define LOYALTYD_STORE_IDEMPOTENCY_H

#include <stdbool.h>

#include "db.h"

struct idem_record {
	char hash[65];      /* hex SHA-256 of the first request */
	int status;         /* 0 while that request runs */
	char *content_type; /* malloc'd, NULL while it runs */
	char *body;         /* malloc'd, NULL while it runs */
};

/* Claims key for a request whose hash is hash_hex; *claimed tells whether it was. */
__attribute__((warn_unused_result)) enum db_status idem_claim(struct pool *pool,
                                                              const char *tenant_id,
                                                              const char *key, const char *hash_hex,
                                                              bool *claimed);

/* Reads the record of key; *found false when there is none. Free with idem_record_release. */
__attribute__((warn_unused_result)) enum db_status idem_get(struct pool *pool,
                                                            const char *tenant_id, const char *key,
                                                            struct idem_record *rec, bool *found);

void idem_record_release(struct idem_record *rec);

/* Keeps the answer of the request that claimed key. */
__attribute__((warn_unused_result)) enum db_status
idem_finish(struct pool *pool, const char *tenant_id, const char *key, int status,
            const char *content_type, const char *body);

/* Gives key back (its request failed transiently). */
__attribute__((warn_unused_result)) enum db_status
idem_release(struct pool *pool, const char *tenant_id, const char *key);

#endif
