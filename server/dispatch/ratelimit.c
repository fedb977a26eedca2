/* ratelimit.c - token buckets in a fixed table. */
#include "dispatch/ratelimit.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

struct slot {
	pthread_mutex_t lock;
	/* the bucket is below its burst: a check must look; while it is full (the case of
	 * every address that never failed) a check is one atomic load, with no lock */
	atomic_bool spent;
	char name[RATELIMIT_NAME_MAX + 1];
	struct bucket b;
};

static struct slot tables[2][RATELIMIT_SLOTS];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void tables_init(void)
{
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < RATELIMIT_SLOTS; i++)
			pthread_mutex_init(&tables[k][i].lock, NULL);
}

static double monotonic_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void refill(struct bucket *b, double now, double rate, double burst)
{
	if (now > b->at) {
		b->tokens += (now - b->at) * rate;
		b->at = now;
	}
	if (b->tokens > burst)
		b->tokens = burst;
}

double ratelimit_peek(struct bucket *b, double now, double rate, double burst)
{
	refill(b, now, rate, burst);
	return b->tokens >= 1.0 ? 0.0 : (1.0 - b->tokens) / rate;
}

double ratelimit_take(struct bucket *b, double now, double rate, double burst)
{
	double wait = ratelimit_peek(b, now, rate, burst);
	if (wait == 0.0)
		b->tokens -= 1.0;
	return wait;
}

/* FNV-1a: names are ours (key ids) or addresses; collisions only reset a bucket. */
static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static double visit(enum ratelimit_kind kind, const char *name, double rate, double burst,
                    bool take)
{
	if (rate <= 0)
		return 0.0;
	pthread_once(&once, tables_init);
	struct slot *s = &tables[kind][hash(name) % RATELIMIT_SLOTS];
	if (!take && !atomic_load_explicit(&s->spent, memory_order_acquire))
		return 0.0;
	double now = monotonic_s(), wait;
	pthread_mutex_lock(&s->lock);
	if (strncmp(s->name, name, RATELIMIT_NAME_MAX) != 0) {
		/* a new name, or another one's slot: a full bucket */
		strncpy(s->name, name, RATELIMIT_NAME_MAX);
		s->name[RATELIMIT_NAME_MAX] = '\0';
		s->b = (struct bucket){burst, now};
	}
	wait = take ? ratelimit_take(&s->b, now, rate, burst)
	            : ratelimit_peek(&s->b, now, rate, burst);
	atomic_store_explicit(&s->spent, s->b.tokens < burst, memory_order_release);
	pthread_mutex_unlock(&s->lock);
	return wait;
}

double ratelimit_hit(enum ratelimit_kind kind, const char *name, double rate, double burst)
{
	return visit(kind, name, rate, burst, true);
}

double ratelimit_check(enum ratelimit_kind kind, const char *name, double rate, double burst)
{
	return visit(kind, name, rate, burst, false);
}
