/* metrics.h - request counters and latency histograms for GET /metrics.
 *
 * Counters are process-wide atomics indexed by route (the route table's order, with one
 * extra slot for requests that matched no route), so recording takes no lock. */
#ifndef LOYALTYD_METRICS_H
#define LOYALTYD_METRICS_H

#include <stddef.h>

#include "app.h"

/* Allocates the counters for nroutes routes. Returns 0 or -1. Call once at start-up. */
__attribute__((warn_unused_result)) int metrics_init(size_t nroutes);

/* Frees the counters. */
void metrics_free(void);

/* Records one finished request: route_index == nroutes means unmatched; status 0 means the
 * connection closed before a reply. */
void metrics_observe_request(size_t route_index, int status, double seconds);

/* Renders every metric in Prometheus text exposition format 0.0.4. Returns a malloc'd
 * string the caller frees, or NULL when out of memory. */
char *metrics_render(struct app *app, size_t *len);

#endif
