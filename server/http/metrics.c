/* metrics.c - Prometheus counters. */
#include "http/metrics.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/sbuf.h"
#include "http/conn_guard.h"
#include "http/router.h"
#include "jobs/outbound.h"
#include "store/ingest.h"

static const int tracked_status[] = {0,   200, 201, 204, 400, 401, 403, 404, 405,
                                     409, 413, 415, 422, 429, 431, 500, 503};
#define NSTATUS (sizeof(tracked_status) / sizeof(tracked_status[0]) + 1) /* + other */
static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                 0.25,  0.5,    1.0,   2.5,  5.0,   10.0};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

struct route_metrics {
	atomic_ulong by_status[NSTATUS];
	atomic_ulong bucket[NBUCKETS]; /* non-cumulative; summed when rendered */
	atomic_ulong count;
	atomic_ullong sum_us; /* microseconds */
};

static struct route_metrics *per_route;
static atomic_ulong webhooks[2][METRICS_WEBHOOK_COUNT];
static const char *const webhook_results[METRICS_WEBHOOK_COUNT] = {
    "processed", "duplicate", "ignored", "ping", "unauthorized", "invalid", "failed"};

void metrics_observe_webhook(enum webhook_kind kind, enum metrics_webhook result)
{
	if ((unsigned)kind < 2 && (unsigned)result < METRICS_WEBHOOK_COUNT)
		atomic_fetch_add_explicit(&webhooks[kind][result], 1, memory_order_relaxed);
}
static size_t nslots;

int metrics_init(size_t nroutes)
{
	nslots = nroutes + 1;
	per_route = calloc(nslots, sizeof(*per_route));
	return per_route ? 0 : -1;
}

void metrics_free(void)
{
	free(per_route);
	per_route = NULL;
}

static size_t status_slot(int status)
{
	for (size_t i = 0; i < NSTATUS - 1; i++)
		if (tracked_status[i] == status)
			return i;
	return NSTATUS - 1;
}

void metrics_observe_request(size_t route_index, int status, double seconds)
{
	if (!per_route || route_index >= nslots)
		return;
	struct route_metrics *m = &per_route[route_index];
	atomic_fetch_add_explicit(&m->by_status[status_slot(status)], 1, memory_order_relaxed);
	for (size_t b = 0; b < NBUCKETS; b++) {
		if (seconds <= buckets[b]) {
			atomic_fetch_add_explicit(&m->bucket[b], 1, memory_order_relaxed);
			break;
		}
	}
	atomic_fetch_add_explicit(&m->count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->sum_us, (unsigned long long)(seconds * 1e6),
	                          memory_order_relaxed);
}

static void route_labels(struct app *app, size_t i, const char **method, const char **route)
{
	if (i < app->nroutes) {
		*method = app->routes[i].method;
		*route = app->routes[i].pattern;
	} else {
		*method = "";
		*route = "unmatched";
	}
}

char *metrics_render(struct app *app, size_t *len)
{
	struct sbuf b;
	struct pool_stats ps;
	const char *method, *route;
	int rc = 0;
	sbuf_init(&b, 4 * 1024 * 1024);

	rc |= sbuf_printf(&b,
	                  "# HELP loyaltyd_build_info Version of this loyaltyd.\n"
	                  "# TYPE loyaltyd_build_info gauge\n"
	                  "loyaltyd_build_info{version=\"%s\"} 1\n",
	                  LOYALTYD_VERSION);
	rc |= sbuf_printf(&b,
	                  "# HELP loyaltyd_http_requests_total HTTP requests by route and status.\n"
	                  "# TYPE loyaltyd_http_requests_total counter\n");
	for (size_t i = 0; i < nslots; i++) {
		route_labels(app, i, &method, &route);
		for (size_t s = 0; s < NSTATUS; s++) {
			unsigned long n =
			    atomic_load_explicit(&per_route[i].by_status[s], memory_order_relaxed);
			if (n == 0)
				continue;
			char status[8];
			if (s == NSTATUS - 1)
				memcpy(status, "other", 6);
			else
				snprintf(status, sizeof(status), "%d", tracked_status[s]);
			rc |= sbuf_printf(&b,
			                  "loyaltyd_http_requests_total{method=\"%s\",route=\"%s\","
			                  "status=\"%s\"} %lu\n",
			                  method, route, status, n);
		}
	}
	rc |= sbuf_printf(&b, "# HELP loyaltyd_http_request_duration_seconds Time from the first "
	                      "byte of a request to the end of its reply.\n"
	                      "# TYPE loyaltyd_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < nslots; i++) {
		unsigned long count =
		    atomic_load_explicit(&per_route[i].count, memory_order_relaxed);
		if (count == 0)
			continue;
		route_labels(app, i, &method, &route);
		unsigned long cumulative = 0;
		for (size_t k = 0; k < NBUCKETS; k++) {
			cumulative +=
			    atomic_load_explicit(&per_route[i].bucket[k], memory_order_relaxed);
			rc |= sbuf_printf(&b,
			                  "loyaltyd_http_request_duration_seconds_bucket{method=\"%"
			                  "s\",route=\"%s\",le=\"%g\"} %lu\n",
			                  method, route, buckets[k], cumulative);
		}
		rc |= sbuf_printf(
		    &b,
		    "loyaltyd_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le="
		    "\"+Inf\"} %lu\n"
		    "loyaltyd_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n"
		    "loyaltyd_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} "
		    "%lu\n",
		    method, route, count, method, route,
		    (double)atomic_load(&per_route[i].sum_us) / 1e6, method, route, count);
	}
	pool_get_stats(app->pool, &ps);
	rc |= sbuf_printf(
	    &b,
	    "# HELP loyaltyd_http_in_flight Requests being processed.\n"
	    "# TYPE loyaltyd_http_in_flight gauge\n"
	    "loyaltyd_http_in_flight %ld\n"
	    "# HELP loyaltyd_db_pool_size Configured database connections.\n"
	    "# TYPE loyaltyd_db_pool_size gauge\n"
	    "loyaltyd_db_pool_size %d\n"
	    "# HELP loyaltyd_db_pool_open Database connections open.\n"
	    "# TYPE loyaltyd_db_pool_open gauge\n"
	    "loyaltyd_db_pool_open %d\n"
	    "# HELP loyaltyd_db_pool_in_use Database connections checked out.\n"
	    "# TYPE loyaltyd_db_pool_in_use gauge\n"
	    "loyaltyd_db_pool_in_use %d\n"
	    "# HELP loyaltyd_db_pool_waiting Requests waiting for a database connection.\n"
	    "# TYPE loyaltyd_db_pool_waiting gauge\n"
	    "loyaltyd_db_pool_waiting %d\n"
	    "# HELP loyaltyd_db_pool_timeouts_total Checkouts that waited too long (503).\n"
	    "# TYPE loyaltyd_db_pool_timeouts_total counter\n"
	    "loyaltyd_db_pool_timeouts_total %lu\n"
	    "# HELP loyaltyd_db_reconnects_total Broken database connections re-opened.\n"
	    "# TYPE loyaltyd_db_reconnects_total counter\n"
	    "loyaltyd_db_reconnects_total %lu\n",
	    atomic_load(&app->in_flight), ps.size, ps.open, ps.in_use, ps.waiting, ps.timeouts,
	    ps.reconnects);
	struct ingest_stats is;
	ingester_get_stats(app->ingest, &is);
	rc |= sbuf_printf(
	    &b,
	    "# HELP loyaltyd_ingest_groups_total Transactions that stored small event requests "
	    "together.\n"
	    "# TYPE loyaltyd_ingest_groups_total counter\n"
	    "loyaltyd_ingest_groups_total %lu\n"
	    "# HELP loyaltyd_ingest_requests_total Event requests stored by group commit.\n"
	    "# TYPE loyaltyd_ingest_requests_total counter\n"
	    "loyaltyd_ingest_requests_total %lu\n"
	    "# HELP loyaltyd_ingest_retried_total Requests stored alone after their group failed.\n"
	    "# TYPE loyaltyd_ingest_retried_total counter\n"
	    "loyaltyd_ingest_retried_total %lu\n"
	    "# HELP loyaltyd_ingest_queued Event requests waiting for a group commit.\n"
	    "# TYPE loyaltyd_ingest_queued gauge\n"
	    "loyaltyd_ingest_queued %zu\n",
	    is.groups, is.requests, is.retried, is.queued);
	struct conn_guard_stats gs = {0, 0, 0, 0};
	if (app->guard)
		conn_guard_get_stats(app->guard, &gs);
	rc |= sbuf_printf(
	    &b,
	    "# HELP loyaltyd_http_waiting_connections Connections whose request head or body is "
	    "not whole yet.\n"
	    "# TYPE loyaltyd_http_waiting_connections gauge\n"
	    "loyaltyd_http_waiting_connections %zu\n"
	    "# HELP loyaltyd_http_slow_timeouts_total Connections closed because a head or body "
	    "did not arrive in time (LOYALTYD_HEAD_TIMEOUT_S, LOYALTYD_BODY_TIMEOUT_S, "
	    "LOYALTYD_CONN_TIMEOUT_S).\n"
	    "# TYPE loyaltyd_http_slow_timeouts_total counter\n"
	    "loyaltyd_http_slow_timeouts_total %lu\n"
	    "# HELP loyaltyd_http_slow_evictions_total Waiting connections closed to make room "
	    "for a new one.\n"
	    "# TYPE loyaltyd_http_slow_evictions_total counter\n"
	    "loyaltyd_http_slow_evictions_total %lu\n"
	    "# HELP loyaltyd_http_refused_total New connections refused: every connection was "
	    "busy with a request.\n"
	    "# TYPE loyaltyd_http_refused_total counter\n"
	    "loyaltyd_http_refused_total %lu\n",
	    gs.waiting, gs.timeouts, gs.evicted, gs.refused);
	rc |= sbuf_printf(&b, "# HELP loyaltyd_webhook_deliveries_total Webhook deliveries by "
	                      "source and result (ignored: a topic loyaltyd does not use).\n"
	                      "# TYPE loyaltyd_webhook_deliveries_total counter\n");
	for (int k = 0; k < 2; k++)
		for (int r = 0; r < METRICS_WEBHOOK_COUNT; r++)
			rc |= sbuf_printf(
			    &b,
			    "loyaltyd_webhook_deliveries_total{source=\"%s\",result=\"%s\"}"
			    " %lu\n",
			    webhook_kind_name((enum webhook_kind)k), webhook_results[r],
			    atomic_load(&webhooks[k][r]));
	struct outbound_stats os;
	outbound_get_stats(&os);
	rc |= sbuf_printf(
	    &b,
	    "# HELP loyaltyd_outbound_attempts_total Outbound event deliveries attempted, by "
	    "result.\n"
	    "# TYPE loyaltyd_outbound_attempts_total counter\n"
	    "loyaltyd_outbound_attempts_total{result=\"delivered\"} %lu\n"
	    "loyaltyd_outbound_attempts_total{result=\"failed\"} %lu\n"
	    "# HELP loyaltyd_outbound_gave_up_total Outbound events failed for good (not "
	    "delivered within LOYALTYD_OUTBOUND_GIVE_UP_HOURS).\n"
	    "# TYPE loyaltyd_outbound_gave_up_total counter\n"
	    "loyaltyd_outbound_gave_up_total %lu\n"
	    "# HELP loyaltyd_outbound_endpoints_disabled_total Endpoints disabled for failing "
	    "(LOYALTYD_OUTBOUND_DISABLE_HOURS).\n"
	    "# TYPE loyaltyd_outbound_endpoints_disabled_total counter\n"
	    "loyaltyd_outbound_endpoints_disabled_total %lu\n"
	    "# HELP loyaltyd_outbound_pending Outbound messages waiting for delivery to enabled "
	    "endpoints, and events recorded but not fanned out yet (refreshed every few seconds "
	    "by the dispatcher).\n"
	    "# TYPE loyaltyd_outbound_pending gauge\n"
	    "loyaltyd_outbound_pending %ld\n"
	    "# HELP loyaltyd_outbound_lag_seconds Age of the oldest outbound event waiting for "
	    "delivery (refreshed every few seconds by the dispatcher).\n"
	    "# TYPE loyaltyd_outbound_lag_seconds gauge\n"
	    "loyaltyd_outbound_lag_seconds %.3f\n",
	    os.delivered, os.failed, os.gave_up, os.disabled, os.pending, os.lag_s);
	if (rc != 0) {
		sbuf_release(&b);
		return NULL;
	}
	return sbuf_detach(&b, len);
}
