/* outbound.h - the dispatcher of outbound events (Standard Webhooks), in the background.
 *
 * LOYALTYD_OUTBOUND_WORKERS threads, each with its own database connection (a pool of
 * their own: a slow receiver never holds a connection of the API or of ingest) and its
 * own libcurl multi handle (keep-alive connections reused), keep up to
 * LOYALTYD_OUTBOUND_CONCURRENCY deliveries in flight: they claim due attempts for their
 * free slots (store_outbox.h: SKIP LOCKED and a lease, so several loyaltyd processes never
 * make the same attempt; at most LOYALTYD_OUTBOUND_PER_ENDPOINT in flight at one
 * endpoint), refill slots as deliveries end, and settle outcomes in small groups; they
 * wait LOYALTYD_OUTBOUND_POLL_MS when nothing is due. The first
 * worker also refreshes the gauges every few seconds and prunes old messages every minute.
 *
 * A delivery is an HTTP/1.1 POST of the body with webhook-id, webhook-timestamp and
 * webhook-signature; a 2xx is a success, anything else (3xx included: redirects are never
 * followed) a failure in words. Unless LOYALTYD_OUTBOUND_ALLOW_PRIVATE=1 only https goes,
 * and the host's addresses are checked (net_address.h) and the connection pinned to the
 * checked one, and checked again as the socket opens, so DNS rebinding cannot reach an
 * inner address. */
#ifndef LOYALTYD_OUTBOUND_H
#define LOYALTYD_OUTBOUND_H

#include <stdatomic.h>

#include "base/config.h"

#define OUTBOUND_CONNECT_TIMEOUT_MS 5000
#define OUTBOUND_ANSWER_MAX (64 * 1024) /* bytes of an answer read; the rest is not */
#define OUTBOUND_LAG_EVERY_S 5
#define OUTBOUND_PRUNE_EVERY_S 60
#define OUTBOUND_PRUNE_BATCH 1000
#define OUTBOUND_REFILL_MS 20       /* look for more to claim while deliveries run */
#define OUTBOUND_YIELD_EVERY_MS 250 /* at most one claim this often while the API is busy */
#define OUTBOUND_FAN_OUT 5000       /* recorded events fanned out by a claim */
#define OUTBOUND_FAN_OUT_BUSY 128   /* … by a claim while the API is busy */
#define OUTBOUND_NICE 10            /* the dispatcher threads' nice value: below requests */
#define OUTBOUND_SETTLE_MS 5        /* settle finished deliveries within this */

struct outbound;

/* Starts the workers of cfg (none when LOYALTYD_OUTBOUND_WORKERS is 0: *out is NULL);
 * busy and bulk (NULL: none) count the API's requests and imports in flight, to which
 * deliveries yield.
 * Returns 0 or -1. */
__attribute__((warn_unused_result)) int outbound_start(struct outbound **out,
                                                       const struct config *cfg, atomic_long *busy,
                                                       atomic_long *bulk);

/* Tells the workers to stop, without waiting: they claim nothing more and finish the
 * deliveries in flight within grace_s seconds. Once only, before outbound_stop(). */
void outbound_request_stop(struct outbound *o, long grace_s);

/* Stops the workers (outbound_request_stop(o, grace_s) unless asked already): they claim nothing
 * more and finish the deliveries in flight within grace_s seconds (those still running then are
 * dropped unsettled: their leases expire and they are made again). Frees everything. */
void outbound_stop(struct outbound *o, long grace_s);

/* The lease of a claimed attempt in seconds: LOYALTYD_OUTBOUND_LEASE_S, but never shorter
 * than a delivery may last. */
long outbound_lease_s(const struct config *cfg);

/* Process-wide figures for /metrics (no database query). */
struct outbound_stats {
	unsigned long delivered; /* attempts that succeeded */
	unsigned long failed;    /* attempts that failed */
	unsigned long gave_up;   /* messages failed for good */
	unsigned long disabled;  /* endpoints disabled for failing */
	long pending;            /* last refreshed: messages waiting */
	double lag_s;            /* last refreshed: age of the oldest of them */
};

void outbound_get_stats(struct outbound_stats *out);

#endif
