/* ingest.c - event storage with group commit. */
#include "store/ingest.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "domain/principal.h"
#include "store/store_events.h"

struct job {
	const char *tenant_id;
	json_t *events;
	size_t n;
	enum db_status status;
	long accepted;
	bool taken; /* a committer has it: it will be answered, however long that takes */
	bool done;
	pthread_cond_t done_cv;
	struct job *next;
};

struct ingester {
	struct pool *pool;
	pthread_mutex_t lock;
	pthread_cond_t work_cv; /* a job was queued */
	pthread_cond_t more_cv; /* INGEST_LINGER_JOBS are queued: lingering is over */
	struct job *head, *tail;
	bool stopping;
	size_t queued; /* jobs in the queue */
	long wait_ms;
	long linger_us;
	int nworkers;
	pthread_t *workers;
	atomic_ulong groups, requests, retried; /* for /metrics */
};

/* Stores jobs[0..n) in one transaction; sets each job's status and count. */
static void run_group(struct pool *pool, struct job **jobs, size_t n)
{
	json_t *all = json_array();
	for (size_t k = 0; k < n; k++) {
		size_t i;
		json_t *ev;
		json_array_foreach (jobs[k]->events, i, ev) {
			json_object_set_new(ev, "t", json_string(jobs[k]->tenant_id));
			json_object_set_new(ev, "j", json_integer((json_int_t)k));
			json_array_append(all, ev);
		}
	}
	char *text = json_dumps(all, JSON_COMPACT);
	json_decref(all);
	long *counts = calloc(n, sizeof(long));
	/* a group is one tenant's (the committer groups so): row-level security names one */
	enum db_status st =
	    text && counts ? events_store(pool, jobs[0]->tenant_id, text, counts, n) : DB_ERROR;
	for (size_t k = 0; k < n; k++) {
		jobs[k]->status = st;
		jobs[k]->accepted = st == DB_OK ? counts[k] : 0;
	}
	free(counts);
	free(text);
}

static void deadline_after_us(long us, struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += us / 1000000;
	ts->tv_nsec += (us % 1000000) * 1000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* ---- committers ---- */

static void *committer(void *arg)
{
	struct ingester *ing = arg;
	struct job *batch[1024];
	for (;;) {
		size_t n = 0, events = 0;
		pthread_mutex_lock(&ing->lock);
		while (!ing->head && !ing->stopping)
			pthread_cond_wait(&ing->work_cv, &ing->lock);
		if (!ing->head && ing->stopping) {
			pthread_mutex_unlock(&ing->lock);
			return NULL;
		}
		/* Like PostgreSQL's commit_delay: a group of one costs a whole commit, so when
		 * few requests wait, wait a moment for company (never past INGEST_LINGER_JOBS). */
		if (ing->linger_us > 0 && ing->queued < INGEST_LINGER_JOBS && !ing->stopping) {
			struct timespec until;
			deadline_after_us(ing->linger_us, &until);
			while (ing->queued < INGEST_LINGER_JOBS && !ing->stopping &&
			       pthread_cond_timedwait(&ing->more_cv, &ing->lock, &until) !=
			           ETIMEDOUT)
				;
		}
		if (!ing->head) {
			pthread_mutex_unlock(&ing->lock);
			continue;
		}
		/* the first job waiting, and those after it of the same tenant (one transaction
		 * works for one tenant under row-level security); the others keep their places */
		struct job **pp = &ing->head, *prev = NULL;
		while (*pp && n < sizeof(batch) / sizeof(batch[0])) {
			struct job *j = *pp;
			if (n > 0 && (strcmp(j->tenant_id, batch[0]->tenant_id) != 0 ||
			              events + j->n > INGEST_GROUP_MAX_EVENTS)) {
				prev = j;
				pp = &j->next;
				continue;
			}
			*pp = j->next;
			if (ing->tail == j)
				ing->tail = prev;
			j->next = NULL;
			j->taken = true;
			ing->queued--;
			events += j->n;
			batch[n++] = j;
		}
		pthread_mutex_unlock(&ing->lock);

		run_group(ing->pool, batch, n);
		atomic_fetch_add(&ing->groups, 1);
		atomic_fetch_add(&ing->requests, n);
		if (n > 1 && batch[0]->status != DB_OK && batch[0]->status != DB_UNAVAILABLE &&
		    batch[0]->status != DB_BUSY) {
			/* Something in the group was refused: give every request its own chance. */
			log_msg(LOG_WARN, "group commit failed; storing its requests one by one",
			        db_status_name(batch[0]->status));
			for (size_t k = 0; k < n; k++)
				run_group(ing->pool, &batch[k], 1);
			atomic_fetch_add(&ing->retried, n);
		}
		pthread_mutex_lock(&ing->lock);
		for (size_t k = 0; k < n; k++) {
			batch[k]->done = true;
			pthread_cond_signal(&batch[k]->done_cv);
		}
		pthread_mutex_unlock(&ing->lock);
	}
}

int ingester_start(struct ingester **out, struct pool *pool, int workers, long wait_ms,
                   long linger_us)
{
	struct ingester *ing = calloc(1, sizeof(*ing));
	if (!ing)
		return -1;
	ing->pool = pool;
	ing->wait_ms = wait_ms;
	ing->linger_us = linger_us;
	pthread_mutex_init(&ing->lock, NULL);
	pthread_cond_init(&ing->work_cv, NULL);
	pthread_cond_init(&ing->more_cv, NULL);
	ing->workers = calloc((size_t)workers, sizeof(pthread_t));
	if (!ing->workers) {
		free(ing);
		return -1;
	}
	for (int i = 0; i < workers; i++) {
		if (pthread_create(&ing->workers[i], NULL, committer, ing) != 0)
			break;
		ing->nworkers++;
	}
	*out = ing;
	if (ing->nworkers == 0) {
		ingester_stop(ing);
		return -1;
	}
	return 0;
}

void ingester_stop(struct ingester *ing)
{
	if (!ing)
		return;
	pthread_mutex_lock(&ing->lock);
	ing->stopping = true;
	pthread_cond_broadcast(&ing->work_cv);
	pthread_mutex_unlock(&ing->lock);
	for (int i = 0; i < ing->nworkers; i++)
		pthread_join(ing->workers[i], NULL);
	pthread_cond_destroy(&ing->work_cv);
	pthread_cond_destroy(&ing->more_cv);
	pthread_mutex_destroy(&ing->lock);
	free(ing->workers);
	free(ing);
}

/* Removes j from the queue if it is still there. Called with the lock held. */
static bool unqueue(struct ingester *ing, struct job *j)
{
	struct job **pp = &ing->head, *prev = NULL;
	while (*pp && *pp != j) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (!*pp)
		return false;
	*pp = j->next;
	if (ing->tail == j)
		ing->tail = prev;
	ing->queued--;
	return true;
}

enum db_status ingester_submit(struct ingester *ing, struct pool *pool, const char *tenant_id,
                               json_t *events, long *accepted)
{
	struct job job = {.tenant_id = tenant_id, .events = events, .n = json_array_size(events)};
	struct job *self = &job;
	*accepted = 0;
	/* a request that holds a unit of work (an Idempotency-Key: db.h) stores its events in
	 * that unit, on the calling thread, to commit with the key's answer */
	if (!ing || job.n > INGEST_COALESCE_MAX || db_unit_held(pool)) {
		run_group(pool, &self, 1);
		*accepted = job.accepted;
		return job.status;
	}
	struct timespec deadline;
	deadline_after_us(ing->wait_ms * 1000, &deadline);
	pthread_cond_init(&job.done_cv, NULL);
	pthread_mutex_lock(&ing->lock);
	if (ing->stopping) {
		pthread_mutex_unlock(&ing->lock);
		pthread_cond_destroy(&job.done_cv);
		run_group(pool, &self, 1);
		*accepted = job.accepted;
		return job.status;
	}
	if (ing->tail)
		ing->tail->next = &job;
	else
		ing->head = &job;
	ing->tail = &job;
	ing->queued++;
	pthread_cond_signal(&ing->work_cv);
	if (ing->queued >= INGEST_LINGER_JOBS)
		pthread_cond_broadcast(&ing->more_cv);
	while (!job.done) {
		int rc = job.taken ? pthread_cond_wait(&job.done_cv, &ing->lock)
		                   : pthread_cond_timedwait(&job.done_cv, &ing->lock, &deadline);
		if (rc == ETIMEDOUT && !job.taken && unqueue(ing, &job)) {
			/* Never taken by a committer: nothing was sent, safe to give up. */
			job.status = DB_BUSY;
			break;
		}
	}
	pthread_mutex_unlock(&ing->lock);
	pthread_cond_destroy(&job.done_cv);
	*accepted = job.accepted;
	return job.status;
}

void ingester_get_stats(struct ingester *ing, struct ingest_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!ing)
		return;
	out->groups = atomic_load(&ing->groups);
	out->requests = atomic_load(&ing->requests);
	out->retried = atomic_load(&ing->retried);
	pthread_mutex_lock(&ing->lock);
	out->queued = ing->queued;
	pthread_mutex_unlock(&ing->lock);
}
