/* conn_guard.c - the head deadline and the budget of connections waiting for heads. */
#include "conn_guard.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

/* How often the watcher looks for heads past their deadline. */
#define WATCH_INTERVAL_MS 100

struct entry {
	int fd;
	bool waiting;  /* in the waiting list: its head is not whole yet */
	bool shut;     /* shut down by the guard; closed by its thread soon */
	long since_ms; /* when it began to wait for its head */
	struct entry *prev, *next;
};

struct conn_guard {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t watcher;
	bool stopping;
	long head_timeout_ms;
	size_t budget;
	/* the connections waiting for their heads, oldest first */
	struct entry *head, *tail;
	size_t waiting;
	unsigned long head_timeouts, evicted;
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

static void append_waiting(struct conn_guard *g, struct entry *e)
{
	unlink_waiting(g, e);
	if (e->shut)
		return;
	e->since_ms = monotonic_ms();
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
	(void)shutdown(e->fd, SHUT_RDWR);
}

static void *watch(void *arg)
{
	struct conn_guard *g = arg;
	pthread_mutex_lock(&g->lock);
	while (!g->stopping) {
		long now = monotonic_ms();
		while (g->head && now - g->head->since_ms >= g->head_timeout_ms) {
			shut(g, g->head);
			g->head_timeouts++;
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

int conn_guard_start(struct conn_guard **out, long head_timeout_ms, size_t budget)
{
	struct conn_guard *g = calloc(1, sizeof(*g));
	if (!g)
		return -1;
	g->head_timeout_ms = head_timeout_ms;
	g->budget = budget > 0 ? budget : 1;
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

void conn_guard_admit(struct conn_guard *g)
{
	pthread_mutex_lock(&g->lock);
	while (g->waiting >= g->budget && g->head) {
		shut(g, g->head);
		g->evicted++;
	}
	pthread_mutex_unlock(&g->lock);
}

void conn_guard_opened(struct conn_guard *g, int fd, void **slot)
{
	struct entry *e = calloc(1, sizeof(*e));
	*slot = e;
	if (!e)
		return; /* unguarded: libmicrohttpd's own timeout still applies */
	e->fd = fd;
	pthread_mutex_lock(&g->lock);
	append_waiting(g, e);
	pthread_mutex_unlock(&g->lock);
}

void conn_guard_closed(struct conn_guard *g, void **slot)
{
	struct entry *e = *slot;
	if (!e)
		return;
	pthread_mutex_lock(&g->lock);
	unlink_waiting(g, e);
	pthread_mutex_unlock(&g->lock);
	free(e);
	*slot = NULL;
}

void conn_guard_head_done(struct conn_guard *g, void *entry)
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
	append_waiting(g, entry);
	pthread_mutex_unlock(&g->lock);
}

void conn_guard_get_stats(struct conn_guard *g, struct conn_guard_stats *out)
{
	pthread_mutex_lock(&g->lock);
	out->waiting = g->waiting;
	out->head_timeouts = g->head_timeouts;
	out->evicted = g->evicted;
	pthread_mutex_unlock(&g->lock);
}
