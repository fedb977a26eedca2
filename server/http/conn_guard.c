/* conn_guard.c - deadlines for heads and bodies, and the connection budget. */
#include "http/conn_guard.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

/* How often the watcher looks for connections past their deadline. */
#define WATCH_INTERVAL_MS 100

struct entry {
	int fd;
	bool waiting;     /* in the waiting list: its head or body is not whole yet */
	bool shut;        /* shut down by the guard; closed by its thread soon */
	long deadline_ms; /* when it is shut down if still waiting */
	struct entry *prev, *next;
};

struct conn_guard {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t watcher;
	bool stopping;
	struct conn_guard_limits limits;
	/* the connections waiting for a head or a body, oldest first */
	struct entry *head, *tail;
	size_t waiting;
	size_t open; /* accepted and not closed, those shut down included */
	size_t shut; /* shut down and not closed yet */
	unsigned long timeouts, evicted, refused;
};

static long monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The list operations are called with the lock held. */
static void unlink_waiting(struct conn_guard *g, struct entry *e)
{
	if (!e->waiting)
		return;
	if (e->prev)
		e->prev->next = e->next;
	else
		g->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		g->tail = e->prev;
	e->prev = e->next = NULL;
	e->waiting = false;
	g->waiting--;
}

static void append_waiting(struct conn_guard *g, struct entry *e, long timeout_ms)
{
	unlink_waiting(g, e);
	if (e->shut)
		return;
	e->deadline_ms = monotonic_ms() + timeout_ms;
	e->prev = g->tail;
	e->next = NULL;
	if (g->tail)
		g->tail->next = e;
	else
		g->head = e;
	g->tail = e;
	e->waiting = true;
	g->waiting++;
}

/* Shuts the connection's socket down: its thread sees the end of it at once and closes
 * it, telling conn_guard_closed() before the descriptor is closed, so fd is still this
 * connection's here (the lock is held). */
static void shut(struct conn_guard *g, struct entry *e)
{
	unlink_waiting(g, e);
	e->shut = true;
	g->shut++;
	(void)shutdown(e->fd, SHUT_RDWR);
}

/* True when bytes wait in the socket that the server has not read yet: its worker thread
 * is busy with another connection's request, and the client is not to blame. */
static bool unread_bytes(const struct entry *e)
{
	int n = 0;
	return ioctl(e->fd, FIONREAD, &n) == 0 && n > 0;
}

static void *watch(void *arg)
{
	struct conn_guard *g = arg;
	pthread_mutex_lock(&g->lock);
	while (!g->stopping) {
		long now = monotonic_ms();
		for (struct entry *e = g->head, *next; e; e = next) {
			next = e->next;
			if (now < e->deadline_ms)
				continue;
			if (unread_bytes(e)) {
				e->deadline_ms = now + WATCH_INTERVAL_MS; /* look again soon */
				continue;
			}
			shut(g, e);
			g->timeouts++;
		}
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += WATCH_INTERVAL_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&g->wake, &g->lock, &until);
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

int conn_guard_start(struct conn_guard **out, const struct conn_guard_limits *limits)
{
	struct conn_guard *g = calloc(1, sizeof(*g));
	if (!g)
		return -1;
	g->limits = *limits;
	if (g->limits.budget == 0)
		g->limits.budget = 1;
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->wake, NULL);
	if (pthread_create(&g->watcher, NULL, watch, g) != 0) {
		pthread_cond_destroy(&g->wake);
		pthread_mutex_destroy(&g->lock);
		free(g);
		return -1;
	}
	*out = g;
	return 0;
}

void conn_guard_stop(struct conn_guard *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->stopping = true;
	pthread_cond_signal(&g->wake);
	pthread_mutex_unlock(&g->lock);
	pthread_join(g->watcher, NULL);
	pthread_cond_destroy(&g->wake);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

bool conn_guard_admit(struct conn_guard *g)
{
	pthread_mutex_lock(&g->lock);
	while (g->head &&
	       (g->waiting >= g->limits.budget || g->open - g->shut >= g->limits.max_connections)) {
		shut(g, g->head);
		g->evicted++;
	}
	bool room = g->open - g->shut < g->limits.max_connections;
	if (!room)
		g->refused++;
	pthread_mutex_unlock(&g->lock);
	return room;
}

void conn_guard_opened(struct conn_guard *g, int fd, void **slot)
{
	struct entry *e = calloc(1, sizeof(*e));
	pthread_mutex_lock(&g->lock);
	g->open++;
	if (e) {
		e->fd = fd;
		append_waiting(g, e, g->limits.head_timeout_ms);
	}
	pthread_mutex_unlock(&g->lock);
	*slot = e; /* NULL: unguarded (out of memory), libmicrohttpd's own timeout applies */
}

void conn_guard_closed(struct conn_guard *g, void **slot)
{
	struct entry *e = *slot;
	pthread_mutex_lock(&g->lock);
	g->open--;
	if (e) {
		unlink_waiting(g, e);
		if (e->shut)
			g->shut--;
	}
	pthread_mutex_unlock(&g->lock);
	free(e);
	*slot = NULL;
}

void conn_guard_head_done(struct conn_guard *g, void *entry)
{
	if (!entry)
		return;
	pthread_mutex_lock(&g->lock);
	append_waiting(g, entry, g->limits.body_timeout_ms);
	pthread_mutex_unlock(&g->lock);
}

void conn_guard_body_done(struct conn_guard *g, void *entry)
{
	if (!entry)
		return;
	pthread_mutex_lock(&g->lock);
	unlink_waiting(g, entry);
	pthread_mutex_unlock(&g->lock);
}

void conn_guard_await_head(struct conn_guard *g, void *entry)
{
	if (!entry)
		return;
	pthread_mutex_lock(&g->lock);
	append_waiting(g, entry, g->limits.idle_timeout_ms);
	pthread_mutex_unlock(&g->lock);
}

void conn_guard_get_stats(struct conn_guard *g, struct conn_guard_stats *out)
{
	pthread_mutex_lock(&g->lock);
	out->waiting = g->waiting;
	out->timeouts = g->timeouts;
	out->evicted = g->evicted;
	out->refused = g->refused;
	pthread_mutex_unlock(&g->lock);
}
