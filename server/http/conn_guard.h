/* conn_guard.h - slow clients cannot hold connections: deadlines for every request's
 * head and body, and budgets of connections.
 *
 * libmicrohttpd calls loyaltyd only once a request's head (request line and headers) is
 * whole, and its idle timeout restarts with every byte, so a client trickling one header
 * (or body) byte now and then keeps its connection for ever, and enough of them, from
 * enough addresses, take every connection the server has. The guard knows every
 * connection from accept (libmicrohttpd's connection notifications) to close:
 * - a connection's head must be whole within head_timeout_ms of its accept, the next
 *   head of a keep-alive connection within idle_timeout_ms of the previous request's end,
 *   and a body within body_timeout_ms of its head; past its deadline the watcher thread
 *   shuts the socket down — unless bytes wait unread in it (its worker thread was busy
 *   with another request: not the client's fault);
 * - connections waiting for a head or a body hold at most budget of the connections:
 *   when a new one arrives past it, the oldest of them is shut down to make room, so a
 *   client that sends its request at once always gets in;
 * - the guard, not libmicrohttpd, keeps the server at max_connections (libmicrohttpd's
 *   own limit is checked before loyaltyd hears of a new connection, so it could never
 *   make room): the oldest waiting connection goes, else the new one is refused. */
#ifndef LOYALTYD_CONN_GUARD_H
#define LOYALTYD_CONN_GUARD_H

#include <stdbool.h>
#include <stddef.h>

struct conn_guard;

struct conn_guard_limits {
	long head_timeout_ms, idle_timeout_ms, body_timeout_ms;
	size_t budget;          /* connections waiting for a head or a body, at most */
	size_t max_connections; /* connections, at most */
};

/* Starts the watcher. Returns 0 or -1. */
__attribute__((warn_unused_result)) int conn_guard_start(struct conn_guard **out,
                                                         const struct conn_guard_limits *limits);

/* Stops the watcher and frees the guard; every connection must have been closed. */
void conn_guard_stop(struct conn_guard *g);

/* A new connection is about to be accepted: makes room as the budgets say. Returns false
 * when the connection is to be refused (every connection busy with a request). */
bool conn_guard_admit(struct conn_guard *g);

/* The connection on fd was accepted; *slot receives its entry. */
void conn_guard_opened(struct conn_guard *g, int fd, void **slot);

/* The connection is closed (its socket still open): the entry is freed, *slot cleared. */
void conn_guard_closed(struct conn_guard *g, void **slot);

/* A request's head is whole: its body has its deadline from now. */
void conn_guard_head_done(struct conn_guard *g, void *entry);

/* A request's body is whole: no deadline while it is handled and answered. */
void conn_guard_body_done(struct conn_guard *g, void *entry);

/* A request ended: the connection's next head has its deadline from now. */
void conn_guard_await_head(struct conn_guard *g, void *entry);

struct conn_guard_stats {
	size_t waiting;         /* connections waiting for a head or a body now */
	unsigned long timeouts; /* shut down past their deadline */
	unsigned long evicted;  /* shut down to make room for a new connection */
	unsigned long refused;  /* new connections refused: every one was busy */
};

void conn_guard_get_stats(struct conn_guard *g, struct conn_guard_stats *out);

#endif
