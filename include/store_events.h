/* store_events.h - customer events in PostgreSQL, always within one tenant. */
#ifndef LOYALTYD_STORE_EVENTS_H
#define LOYALTYD_STORE_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"

/* Stores a validated, normalised batch (event_input.h) in one transaction with a constant
 * number of statements whatever its size: the customers it names are created first, then
 * the events, skipping any whose client id the tenant already has. *accepted is the
 * number stored; the rest were duplicates. DB_OK only after COMMIT. */
__attribute__((warn_unused_result)) enum db_status
events_ingest(struct pool *pool, const char *tenant_id, const char *events_json, long *accepted);

struct event_filter {
	const char *type;
	const char *from, *to;  /* RFC 3339, half-open [from, to) */
	const char *after_time; /* cursor: occurred_at and id of the last event seen */
	const char *after_id;
	int limit;
};

/* One page of a customer's events in time order. *found is false (and *page NULL) when
 * the tenant has no such customer. */
__attribute__((warn_unused_result)) enum db_status
events_list(struct pool *pool, const char *tenant_id, const char *external_id,
            const struct event_filter *f, char **page, size_t *len, bool *found);

#endif
