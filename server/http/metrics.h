/* metrics.h - request counters and latency histograms for GET /metrics.
 *
 * Counters are process-wide atomics indexed by route (the route table's order, with one
 * extra slot for requests that matched no route), so recording takes no lock. */
#ifndef LOYALTYD_METRICS_H
#define LOYALTYD_METRICS_H

#include <stddef.h>

#include "base/app.h"
#include "domain/webhook_map.h"

/* Allocates the counters for nroutes routes. Returns 0 or -1. Call once at start-up. */
__attribute__((warn_unused_result)) int metrics_init(size_t nroutes);

/* Frees the counters. */
void metrics_free(void);

/* Records one finished request: route_index == nroutes means unmatched; status 0 means the
 * connection closed before a reply. */
void metrics_observe_request(size_t route_index, int status, double seconds);

/* What became of a webhook delivery. */
enum metrics_webhook {
	METRICS_WEBHOOK_PROCESSED,
	METRICS_WEBHOOK_DUPLICATE,
	METRICS_WEBHOOK_IGNORED, /* a topic loyaltyd has no use for */
	METRICS_WEBHOOK_PING,
	METRICS_WEBHOOK_UNAUTHORIZED,
	METRICS_WEBHOOK_INVALID,
	METRICS_WEBHOOK_FAILED, /* the database failed: the shop retries */
	METRICS_WEBHOOK_COUNT
};

/* Counts one webhook delivery of kind by what became of it. */
void metrics_observe_webhook(enum webhook_kind kind, enum metrics_webhook result);

/* Renders every metric in Prometheus text exposition format 0.0.4. Returns a malloc'd
 * string the caller frees, or NULL when out of memory. */
char *metrics_render(struct app *app, size_t *len);

#endif
