/* server.h - the transport (server.c): libmicrohttpd's daemon, connections and their
 * deadlines (conn_guard.h), framing, bodies and their limits, request ids, sending each
 * request's one reply, CORS and the access log.
 *
 * It knows nothing of what a request means: for that it calls the dispatcher it is
 * started with, which main.c wires in (dispatch/dispatch.h). Data flows one way: the
 * transport calls the dispatcher, the dispatcher the handlers, the handlers the stores. */
#ifndef LOYALTYD_SERVER_H
#define LOYALTYD_SERVER_H

#include "base/app.h"
#include "http/request.h"

struct MHD_Daemon;

/* What the transport calls for each request, each making at most one reply (http.h). */
struct http_dispatch {
	/* The head is whole (and, when a body is announced, before a byte of it is read):
	 * STEP_GO_ON lets the request go on to run; with a reply the request is done. */
	enum step (*admit)(struct request *req);
	/* The whole body is in, within its limit: always answers. */
	enum step (*run)(struct request *req);
};

/* Starts the daemon on app->cfg.listen with its thread pool, calling dispatch (which must
 * outlive it). Returns 0 or -1 (logged). */
__attribute__((warn_unused_result)) int
http_start(struct app *app, const struct http_dispatch *dispatch, struct MHD_Daemon **out);

/* Graceful stop: stops accepting, waits up to the grace period for in-flight requests
 * to finish, then stops the daemon and frees it. */
void http_stop(struct app *app, struct MHD_Daemon *daemon);

#endif
