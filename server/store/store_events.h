/* store_events.h - customer events in PostgreSQL, always within one tenant. */
#ifndef LOYALTYD_STORE_EVENTS_H
#define LOYALTYD_STORE_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/page.h"
#include "store/db.h"

/* Stores a set of validated, normalised events (event_input.h) in one transaction with
 * two statements whatever its size: the customers it names are created first, then the
 * events, skipping any whose client id the tenant already has. events_json is a JSON array
 * whose elements carry "t" (their tenant, from the API key) and "j" (the number, below
 * nrequests, of the request they came from); accepted[j] receives how many of request j
 * were stored. Every event of the set is tenant's (row-level security: db.h). DB_OK only
 * after COMMIT. */
__attribute__((warn_unused_result)) enum db_status events_store(struct pool *pool,
                                                                const char *tenants,
                                                                const char *events_json,
                                                                long *accepted, size_t nrequests);

/* Stores events_json (as events_store, every element with "j": 0) on db, inside the
 * caller's transaction, for work that must commit together with the events (a webhook
 * delivery). *accepted is how many were stored. */
__attribute__((warn_unused_result)) enum db_status
events_store_on(struct db *db, const char *events_json, long *accepted);

struct event_filter {
	const char *type;
	struct time_page page; /* the cursor: occurred_at and id of the last event seen */
};

/* One page of a customer's events in time order. *found is false (and *page NULL) when
 * the tenant has no such customer. */
__attribute__((warn_unused_result)) enum db_status
events_list(struct pool *pool, const char *tenant_id, const char *external_id,
            const struct event_filter *f, char **page, size_t *len, bool *found);

#endif
