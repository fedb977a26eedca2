/* keycache.c - cache of verified keys, emptied by NOTIFY loyaltyd_keys. */
#include "store/keycache.h"

#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"

struct slot {
	unsigned char hash[APIKEY_HASH_LEN];
	struct principal who;
	time_t expires; /* CLOCK_MONOTONIC seconds; 0 = empty */
};

static struct slot slots[KEYCACHE_SLOTS];
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static atomic_bool enabled;      /* the listener is connected and listening */
static unsigned long generation; /* bumped by every clear; guarded by lock */
static atomic_bool stop_listener;
static pthread_t listener;
static bool listener_running;
static char listen_url[1024];

static time_t now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static struct slot *slot_of(const unsigned char hash[APIKEY_HASH_LEN])
{
	/* the hash is uniformly random: its first bytes are a good index */
	unsigned idx = ((unsigned)hash[0] << 8 | hash[1]) % KEYCACHE_SLOTS;
	return &slots[idx];
}

bool keycache_get(const unsigned char hash[APIKEY_HASH_LEN], struct principal *who)
{
	bool hit = false;
	if (!atomic_load(&enabled))
		return false;
	pthread_rwlock_rdlock(&lock);
	struct slot *s = slot_of(hash);
	if (s->expires > now_s() && CRYPTO_memcmp(s->hash, hash, APIKEY_HASH_LEN) == 0) {
		*who = s->who;
		hit = true;
	}
	pthread_rwlock_unlock(&lock);
	return hit;
}

unsigned long keycache_generation(void)
{
	pthread_rwlock_rdlock(&lock);
	unsigned long g = generation;
	pthread_rwlock_unlock(&lock);
	return g;
}

void keycache_put(const unsigned char hash[APIKEY_HASH_LEN], const struct principal *who,
                  unsigned long since)
{
	if (!atomic_load(&enabled))
		return;
	pthread_rwlock_wrlock(&lock);
	if (generation != since) {
		pthread_rwlock_unlock(&lock);
		return;
	}
	struct slot *s = slot_of(hash);
	memcpy(s->hash, hash, APIKEY_HASH_LEN);
	s->who = *who;
	s->expires = now_s() + KEYCACHE_TTL_S;
	pthread_rwlock_unlock(&lock);
}

void keycache_clear(void)
{
	pthread_rwlock_wrlock(&lock);
	memset(slots, 0, sizeof(slots));
	generation++;
	pthread_rwlock_unlock(&lock);
}

static void disable(void)
{
	atomic_store(&enabled, false);
	keycache_clear();
}

/* Connects and LISTENs; returns the connection or NULL. */
static PGconn *listen_connect(void)
{
	PGconn *c = PQconnectdb(listen_url);
	if (PQstatus(c) != CONNECTION_OK) {
		PQfinish(c);
		return NULL;
	}
	PGresult *r = PQexec(c, "LISTEN loyaltyd_keys");
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok) {
		PQfinish(c);
		return NULL;
	}
	return c;
}

static void *listen_loop(void *arg)
{
	PGconn *c = NULL;
	(void)arg;
	while (!atomic_load(&stop_listener)) {
		if (!c) {
			c = listen_connect();
			if (!c) {
				sleep(1);
				continue;
			}
			/* Anything revoked while nobody listened is unknown: start empty. */
			keycache_clear();
			atomic_store(&enabled, true);
		}
		struct pollfd pfd = {.fd = PQsocket(c), .events = POLLIN};
		int rc = poll(&pfd, 1, 250);
		if (rc > 0 && PQconsumeInput(c) == 0) {
			disable();
			log_msg(LOG_WARN, "key revocation listener lost its connection",
			        PQerrorMessage(c));
			PQfinish(c);
			c = NULL;
			continue;
		}
		PGnotify *n;
		while ((n = PQnotifies(c)) != NULL) {
			keycache_clear();
			PQfreemem(n);
		}
	}
	disable();
	PQfinish(c);
	return NULL;
}

int keycache_listen_start(const char *url)
{
	size_t n = strlen(url);
	if (n >= sizeof(listen_url))
		return -1;
	memcpy(listen_url, url, n + 1);
	atomic_store(&stop_listener, false);
	if (pthread_create(&listener, NULL, listen_loop, NULL) != 0)
		return -1;
	listener_running = true;
	return 0;
}

void keycache_listen_stop(void)
{
	if (!listener_running)
		return;
	atomic_store(&stop_listener, true);
	pthread_join(listener, NULL);
	listener_running = false;
}
