/* expiry.c - writing lapsed points off in the background. */
#include "jobs/expiry.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"

struct expiry_task {
	struct pool *pool;
	long interval_s;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
};

struct batch_args {
	long visited;
};

static enum db_status do_batch(struct db *db, void *arg)
{
	struct batch_args *a = arg;
	char limit[16];
	PGresult *res = NULL;
	snprintf(limit, sizeof(limit), "%d", EXPIRY_BATCH);
	const char *params[] = {limit};
	enum db_status st = db_query(db, SQL_POINTS_EXPIRY_BATCH, 1, params, &res);
	if (st != DB_OK)
		return st;
	a->visited = PQntuples(res);
	for (int i = 0; i < PQntuples(res) && st == DB_OK; i++) {
		const char *who[] = {PQgetvalue(res, i, 0), PQgetvalue(res, i, 1)};
		/* each customer under its own tenant (row-level security) */
		st = db_query(db, SQL_TENANT_USE, 1, who, NULL);
		/* the lapsed amount is computed under the lock: never written twice */
		if (st == DB_OK)
			st = db_query(db, SQL_POINTS_EXPIRE, 2, who, NULL);
		if (st == DB_OK)
			st = db_query(db, SQL_POINTS_WATERMARK, 2, who, NULL);
	}
	PQclear(res);
	return st;
}

long expiry_run_once(struct pool *pool)
{
	long total = 0;
	for (;;) {
		struct batch_args a = {0};
		enum db_status st = db_transaction(pool, NULL, do_batch, &a);
		if (st != DB_OK) {
			log_msg(LOG_WARN, "points expiry pass failed", db_status_name(st));
			return -1;
		}
		total += a.visited;
		if (a.visited < EXPIRY_BATCH)
			return total;
	}
}

static void *loop(void *arg)
{
	struct expiry_task *t = arg;
	pthread_mutex_lock(&t->lock);
	while (!t->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += t->interval_s;
		while (!t->stopping &&
		       pthread_cond_timedwait(&t->wake, &t->lock, &until) != ETIMEDOUT)
			;
		if (t->stopping)
			break;
		pthread_mutex_unlock(&t->lock);
		long n = expiry_run_once(t->pool);
		if (n > 0) {
			json_t *f = json_pack("{s:I}", "customers", (json_int_t)n);
			log_event(LOG_INFO, "points expired", f);
		}
		pthread_mutex_lock(&t->lock);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

int expiry_start(struct expiry_task **out, struct pool *pool, long interval_s)
{
	*out = NULL;
	if (interval_s <= 0)
		return 0;
	struct expiry_task *t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	t->pool = pool;
	t->interval_s = interval_s;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->wake, NULL);
	if (pthread_create(&t->thread, NULL, loop, t) != 0) {
		pthread_cond_destroy(&t->wake);
		pthread_mutex_destroy(&t->lock);
		free(t);
		return -1;
	}
	*out = t;
	return 0;
}

void expiry_stop(struct expiry_task *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	t->stopping = true;
	pthread_cond_signal(&t->wake);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->wake);
	pthread_mutex_destroy(&t->lock);
	free(t);
}
