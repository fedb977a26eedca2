/* conn_guard.h - slow heads cannot hold connections: a deadline for every request head,
 * and a budget of connections that are still sending theirs.
 *
 * libmicrohttpd calls loyaltyd only once a request's head (request line and headers) is
 * whole, and its idle timeout restarts with every byte, so a client trickling one header
 * byte a second keeps its connection for ever, and enough of them, from enough
 * addresses, take every connection the server has. The guard knows every connection
 * from accept (libmicrohttpd's connection notifications): a connection whose head is not
 * whole within the deadline — from accept, or from the end of its previous request, so
 * an idle keep-alive connection counts as waiting for its next head — is shut down, and
 * when a new connection arrives while the budget of connections waiting for their heads
 * is full, the oldest of them is shut down to make room, so a client that sends its
 * head at once always gets in. A watcher thread enforces the deadline. */
#ifndef LOYALTYD_CONN_GUARD_H
#define LOYALTYD_CONN_GUARD_H

#include <stddef.h>

struct conn_guard;

/* Starts the watcher: heads must be whole within head_timeout_ms; at most budget
 * connections wait for theirs. Returns 0 or -1. */
__attribute__((warn_unused_result)) int conn_guard_start(struct conn_guard **out,
                                                         long head_timeout_ms, size_t budget);

/* Stops the watcher and frees the guard; every connection must have been closed. */
void conn_guard_stop(struct conn_guard *g);

/* A new connection is about to be accepted: when the budget is full, the oldest
 * connection waiting for its head is shut down (it is closed by its thread). */
void conn_guard_admit(struct conn_guard *g);

/* The connection on fd was accepted; *slot receives its entry. */
void conn_guard_opened(struct conn_guard *g, int fd, void **slot);

/* The connection of entry is closed (the socket is still open): the entry is freed and
 * *slot cleared. */
void conn_guard_closed(struct conn_guard *g, void **slot);

/* The head of a request on the connection is whole: no deadline until it ends. */
void conn_guard_head_done(struct conn_guard *g, void *entry);

/* A request on the connection ended: its next head has the deadline from now. */
void conn_guard_await_head(struct conn_guard *g, void *entry);

struct conn_guard_stats {
	size_t waiting;              /* connections waiting for their head now */
	unsigned long head_timeouts; /* shut down past the deadline */
	unsigned long evicted;       /* shut down to make room for a new connection */
};

void conn_guard_get_stats(struct conn_guard *g, struct conn_guard_stats *out);

#endif
