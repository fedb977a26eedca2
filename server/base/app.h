/* app.h - what every request can reach: configuration read at start-up, the pool and the
 * route table. Built once in main.c; nothing here changes after start-up except the
 * in-flight counter used for graceful shutdown. */
#ifndef LOYALTYD_APP_H
#define LOYALTYD_APP_H

#include <stdatomic.h>
#include <stddef.h>

#include "base/config.h"

struct pool;
struct ingester;
struct analyzer;
struct conn_guard;
struct route;

struct app {
	struct config cfg;
	struct pool *pool;
	struct ingester *ingest;  /* group commit of small event requests (ingest.h) */
	struct analyzer *analyze; /* ANALYZE after large imports (analyze.h) */
	struct conn_guard *guard; /* head deadline and budget (conn_guard.h), owned by http.c */

	const struct route *routes;
	size_t nroutes;
	atomic_long in_flight;      /* requests between their first callback and completion */
	atomic_long bulk_in_flight; /* of them, bodies over HTTP_BODY_MAX being handled (imports) */
};

#endif
