/* analyze.c - ANALYZE after large imports, in the background. */
#include "jobs/analyze.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "base/log.h"

/* The tables the reports and the points writers plan over. */
static const char *const analyze_sql =
    "SELECT loyaltyd_analyze()"; /* SECURITY DEFINER: only the owner may ANALYZE */

struct analyzer {
	struct pool *pool;
	long every;
	long pending; /* events stored since the last run */
	bool wanted, stopping;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
};

static void *run(void *arg)
{
	struct analyzer *a = arg;
	pthread_mutex_lock(&a->lock);
	for (;;) {
		while (!a->wanted && !a->stopping)
			pthread_cond_wait(&a->wake, &a->lock);
		if (a->stopping)
			break;
		a->wanted = false;
		pthread_mutex_unlock(&a->lock);
		struct db *db = NULL;
		enum db_status st = pool_acquire(a->pool, &db);
		if (st == DB_OK) {
			st = db_command(db, analyze_sql);
			pool_release(a->pool, db);
		}
		if (st == DB_OK)
			log_msg(LOG_INFO, "statistics refreshed after an import", NULL);
		else
			log_msg(LOG_WARN, "ANALYZE after an import failed", db_status_name(st));
		pthread_mutex_lock(&a->lock);
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

int analyzer_start(struct analyzer **out, struct pool *pool, long every)
{
	*out = NULL;
	if (every <= 0)
		return 0;
	struct analyzer *a = calloc(1, sizeof(*a));
	if (!a)
		return -1;
	a->pool = pool;
	a->every = every;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->wake, NULL);
	if (pthread_create(&a->thread, NULL, run, a) != 0) {
		pthread_mutex_destroy(&a->lock);
		pthread_cond_destroy(&a->wake);
		free(a);
		return -1;
	}
	*out = a;
	return 0;
}

void analyzer_note(struct analyzer *a, long events)
{
	if (!a || events <= 0)
		return;
	pthread_mutex_lock(&a->lock);
	a->pending += events;
	if (a->pending >= a->every) {
		a->pending = 0;
		a->wanted = true;
		pthread_cond_signal(&a->wake);
	}
	pthread_mutex_unlock(&a->lock);
}

void analyzer_stop(struct analyzer *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	a->stopping = true;
	pthread_cond_signal(&a->wake);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->wake);
	free(a);
}
