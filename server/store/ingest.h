/* ingest.h - storing validated events, with group commit for small requests.
 *
 * Single-event POSTs are many and tiny, and on a small machine PostgreSQL's cost per
 * transaction dominates. Requests of at most INGEST_COALESCE_MAX events are therefore
 * queued; a few committer threads each take all that is queued (up to
 * INGEST_GROUP_MAX_EVENTS events) and store it in one transaction, then answer every
 * request with its own count. A request is answered only after the commit that holds it.
 * When a combined transaction fails for a reason other than the database being
 * unavailable, its requests are retried one by one, so one bad request never fails
 * another. Larger requests, and those of a thread that holds a unit of work (db.h), are
 * stored directly by the calling thread. */
#ifndef LOYALTYD_INGEST_H
#define LOYALTYD_INGEST_H

#include <jansson.h>

#include "store/db.h"

#define INGEST_COALESCE_MAX 100
#define INGEST_GROUP_MAX_EVENTS 10000
#define INGEST_LINGER_JOBS 8

struct ingester;

/* Starts workers committer threads on pool. wait_ms bounds how long a request may stay
 * queued before it is answered DB_BUSY. A committer that finds fewer than
 * INGEST_LINGER_JOBS requests queued waits up to linger_us for more (0: never).
 * Returns 0 or -1. */
__attribute__((warn_unused_result)) int ingester_start(struct ingester **out, struct pool *pool,
                                                       int workers, long wait_ms, long linger_us);

/* Stops the committers after the queue has drained, and frees everything. */
void ingester_stop(struct ingester *ing);

/* Stores events (a normalised array from event_input_parse(), borrowed; the function adds
 * the keys "t" and "j" to its objects) for tenant_id. *accepted is how many were stored;
 * the rest were duplicates. Returns DB_OK only after COMMIT. ing may be NULL (no
 * coalescing: every request is stored directly). */
__attribute__((warn_unused_result)) enum db_status ingester_submit(struct ingester *ing,
                                                                   struct pool *pool,
                                                                   const char *tenant_id,
                                                                   json_t *events, long *accepted);

struct ingest_stats {
	unsigned long groups;   /* transactions the committers ran */
	unsigned long requests; /* requests they stored (requests / groups = group size) */
	unsigned long retried;  /* requests stored one by one after their group failed */
	size_t queued;          /* requests waiting now */
};

/* Returns a snapshot of the counters (all zero when ing is NULL). */
void ingester_get_stats(struct ingester *ing, struct ingest_stats *out);

#endif
