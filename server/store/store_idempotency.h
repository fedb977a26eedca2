/* store_idempotency.h - Idempotency-Key records (idempotency.h explains the semantics). */
#ifndef LOYALTYD_STORE_IDEMPOTENCY_H
#define LOYALTYD_STORE_IDEMPOTENCY_H

#include <stdbool.h>

#include "store/db.h"

struct idem_record {
	char hash[65];      /* hex SHA-256 of the first request */
	int status;         /* of its answer */
	char *content_type; /* malloc'd */
	char *body;         /* malloc'd */
};

enum idem_claim {
	IDEM_CLAIMED,  /* the request is to run */
	IDEM_BUSY,     /* another transaction holds the key now */
	IDEM_ANSWERED, /* the key has an answer: idem_get() reads it */
};

/* Claims key for a request whose hash is hash_hex, inside the calling thread's unit of
 * work (db.h): the claim commits with the request's effect and answer, or not at all. */
__attribute__((warn_unused_result)) enum db_status idem_claim(struct pool *pool,
                                                              const char *tenant_id,
                                                              const char *key, const char *hash_hex,
                                                              enum idem_claim *outcome);

/* Reads the record of key; *found false when there is none. Free with idem_record_release. */
__attribute__((warn_unused_result)) enum db_status idem_get(struct pool *pool,
                                                            const char *tenant_id, const char *key,
                                                            struct idem_record *rec, bool *found);

void idem_record_release(struct idem_record *rec);

/* Keeps the answer of the request that claimed key, in the same unit of work. */
__attribute__((warn_unused_result)) enum db_status
idem_finish(struct pool *pool, const char *tenant_id, const char *key, int status,
            const char *content_type, const char *body);

#endif
