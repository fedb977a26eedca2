/* outbound.c - delivering outbound events with libcurl's multi interface. */
#include "jobs/outbound.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "domain/net_address.h"
#include "domain/standard_webhooks.h"
#include "store/db.h"
#include "store/store_outbox.h"

#define RESOLVE_CACHE 64
#define RESOLVE_TTL_S 30

static atomic_ulong n_delivered, n_failed, n_gave_up, n_disabled;
static atomic_long g_pending;
static _Atomic double g_lag_s;

struct outbound {
	struct config cfg; /* a copy: its pool's size is the workers' count */
	struct pool *pool;
	long lease_s;
	pthread_t *threads;
	long nthreads;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	atomic_bool stopping;
	atomic_long stop_deadline; /* monotonic ms past which in-flight deliveries are dropped */
	atomic_long *busy, *bulk;  /* the API's requests and imports in flight (NULL: no yield) */
};

/* One checked host of a worker: the verdict of net_resolve for a while. */
struct resolved {
	char host[NET_HOST_MAX + 1];
	int port;
	int verdict;
	char pin[NET_ADDR_TEXT];
	char why[96];
	time_t until;
};

/* A slot of a worker: free, a delivery in flight, or one done and waiting to be settled. */
enum slot_state { SLOT_FREE, SLOT_RUNNING, SLOT_DONE };

/* One delivery: the claimed message it owns until settled, and what became of it. */
struct transfer {
	CURL *easy;
	struct curl_slist *headers, *resolve;
	enum slot_state state;
	struct outbox_message msg;
	struct outbox_outcome result;
	struct outbox_outcome *outcome; /* &result */
	size_t received;
	bool truncated;   /* the answer passed OUTBOUND_ANSWER_MAX: reading stopped */
	char refused[96]; /* set when the socket's address was refused */
	char error[CURL_ERROR_SIZE];
	char words[CURL_ERROR_SIZE + 64]; /* the failure, as settled */
};

struct worker {
	struct outbound *o;
	int index;
	CURLM *multi;
	struct transfer *slots;
	struct outbox_outcome *outcomes; /* gathered for a settle */
	size_t running, done;            /* slots in each state */
	long first_done_ms;              /* when the oldest unsettled outcome was known */
	long last_claim_ms;              /* when this worker last claimed */
	struct resolved cache[RESOLVE_CACHE];
	size_t ncache;
	time_t next_lag, next_prune;
};

static long monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long outbound_lease_s(const struct config *cfg)
{
	/* never shorter than a delivery can last, so that no other dispatcher makes an attempt
	 * again while it is in flight */
	long floor = (cfg->outbound_timeout_ms + OUTBOUND_CONNECT_TIMEOUT_MS) / 1000 + 6;
	return cfg->outbound_lease_s > floor ? cfg->outbound_lease_s : floor;
}

void outbound_get_stats(struct outbound_stats *out)
{
	out->delivered = atomic_load(&n_delivered);
	out->failed = atomic_load(&n_failed);
	out->gave_up = atomic_load(&n_gave_up);
	out->disabled = atomic_load(&n_disabled);
	out->pending = atomic_load(&g_pending);
	out->lag_s = atomic_load(&g_lag_s);
}

static size_t on_answer(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	struct transfer *t = arg;
	size_t len = size * n;
	if (t->received + len > OUTBOUND_ANSWER_MAX) {
		t->truncated = true; /* stop reading: the status decides */
		return 0;
	}
	t->received += len;
	return len;
}

/* Checks the address libcurl is about to connect to (the pin makes it the checked one;
 * this holds even if a name slipped past the pin). */
static curl_socket_t on_open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct transfer *t = arg;
	(void)purpose;
	const char *why = net_sockaddr_refusal(&a->addr);
	if (why) {
		snprintf(t->refused, sizeof(t->refused), "the host resolves to a%s %s address",
		         strchr("aeiou", why[0]) ? "n" : "", why);
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

/* The verdict on host:port, from the worker's cache or asked anew. */
static const struct resolved *resolve(struct worker *w, const struct net_url *u)
{
	time_t now = time(NULL);
	struct resolved *r = NULL;
	for (size_t i = 0; i < w->ncache && !r; i++)
		if (w->cache[i].port == u->port && strcmp(w->cache[i].host, u->host) == 0)
			r = &w->cache[i];
	if (r && r->until > now)
		return r;
	if (!r) {
		r = &w->cache[w->ncache < RESOLVE_CACHE ? w->ncache++
		                                        : (size_t)now % RESOLVE_CACHE];
		snprintf(r->host, sizeof(r->host), "%s", u->host);
		r->port = u->port;
	}
	r->verdict = net_resolve(u->host, u->port, r->pin, r->why, sizeof(r->why));
	r->until = now + RESOLVE_TTL_S;
	return r;
}

/* Fails t's attempt before any request, in words. */
static void refuse(struct transfer *t, const char *words)
{
	size_t n = strnlen(words, sizeof(t->words) - 1); /* cut, as the database keeps 500 */
	memcpy(t->words, words, n);
	t->words[n] = '\0';
	t->outcome->ok = false;
	t->outcome->code = 0;
	t->outcome->error = t->words;
}

/* Prepares the delivery of m in t; returns true when it is to be sent (else t's outcome
 * is already the failure). */
static bool prepare(struct worker *w, struct transfer *t, const struct outbox_message *m)
{
	const struct config *cfg = &w->o->cfg;
	bool strict = cfg->outbound_allow_private == 0;
	struct net_url u;
	const char *why = net_url_parse(m->url, &u);
	char text[512];
	if (why) {
		snprintf(text, sizeof(text), "the endpoint's URL %s", why);
		refuse(t, text);
		return false;
	}
	if (strict && !u.https) {
		refuse(t, "only https is allowed (LOYALTYD_OUTBOUND_ALLOW_PRIVATE is off)");
		return false;
	}
	if (strict) {
		const struct resolved *r = resolve(w, &u);
		if (r->verdict != 0) {
			refuse(t, r->why);
			return false;
		}
		if (u.kind == NET_HOST_NAME) {
			snprintf(text, sizeof(text), "%s:%d:%s%s%s", u.host, u.port,
			         strchr(r->pin, ':') ? "[" : "", r->pin,
			         strchr(r->pin, ':') ? "]" : "");
			t->resolve = curl_slist_append(NULL, text);
		}
	}
	char sig[OUTBOX_SECRETS_MAX * (SWH_SIGNATURE_LEN + 1)], id[32];
	const char *secrets[OUTBOX_SECRETS_MAX];
	for (size_t i = 0; i < m->nsecrets; i++)
		secrets[i] = m->secrets[i];
	long long now = (long long)time(NULL);
	snprintf(id, sizeof(id), "msg_%lld", m->id);
	if (m->nsecrets == 0 ||
	    swh_sign(id, now, m->body, m->body_len, secrets, m->nsecrets, sig, sizeof(sig)) < 0) {
		refuse(t, "the endpoint has no valid signing secret");
		return false;
	}
	static const char *const fixed[] = {"content-type: application/json",
	                                    "Expect:", ("user-agent: loyaltyd/" LOYALTYD_VERSION)};
	struct curl_slist *h = NULL;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		h = curl_slist_append(h, fixed[i]);
	snprintf(text, sizeof(text), "webhook-id: %s", id);
	h = curl_slist_append(h, text);
	snprintf(text, sizeof(text), "webhook-timestamp: %lld", now);
	h = curl_slist_append(h, text);
	char sighead[sizeof(sig) + 32];
	snprintf(sighead, sizeof(sighead), "webhook-signature: %s", sig);
	h = curl_slist_append(h, sighead);
	t->headers = h;
	if (!h || (strict && u.kind == NET_HOST_NAME && !t->resolve)) {
		refuse(t, "out of memory");
		return false;
	}
	CURL *e = t->easy;
	curl_easy_reset(e);
	curl_easy_setopt(e, CURLOPT_URL, m->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_PROXY, ""); /* never through a proxy of the environment */
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)OUTBOUND_CONNECT_TIMEOUT_MS);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, cfg->outbound_timeout_ms);
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, m->body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)m->body_len);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_answer);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
	curl_easy_setopt(e, CURLOPT_PRIVATE, t);
	if (strict) {
		curl_easy_setopt(e, CURLOPT_RESOLVE, t->resolve);
		curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
		curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t);
	}
	return true;
}

static bool is_tls(CURLcode rc)
{
	return rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION ||
	       rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_CIPHER ||
	       rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_ISSUER_ERROR ||
	       rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH || rc == CURLE_SSL_INVALIDCERTSTATUS ||
	       rc == CURLE_USE_SSL_FAILED || rc == CURLE_SSL_SHUTDOWN_FAILED ||
	       rc == CURLE_SSL_CRL_BADFILE;
}

/* The outcome of a finished transfer, in words when it failed. */
static void conclude(struct worker *w, struct transfer *t, CURLcode rc)
{
	long code = 0;
	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
	struct outbox_outcome *o = t->outcome;
	o->code = (int)code;
	const char *detail = t->error[0] ? t->error : curl_easy_strerror(rc);
	if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && t->truncated && code > 0)) {
		o->ok = code >= 200 && code <= 299;
		if (code >= 300 && code <= 399)
			snprintf(t->words, sizeof(t->words), "redirect refused (HTTP %ld)", code);
		else
			snprintf(t->words, sizeof(t->words), "HTTP %ld", code);
	} else if (t->refused[0]) {
		snprintf(t->words, sizeof(t->words), "%s", t->refused);
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		double connected = 0;
		curl_easy_getinfo(t->easy, CURLINFO_CONNECT_TIME, &connected);
		if (connected > 0)
			snprintf(t->words, sizeof(t->words), "timeout after %ld s",
			         (w->o->cfg.outbound_timeout_ms + 999) / 1000);
		else
			snprintf(t->words, sizeof(t->words), "connection timeout after %d s",
			         OUTBOUND_CONNECT_TIMEOUT_MS / 1000);
	} else if (rc == CURLE_COULDNT_CONNECT) {
		snprintf(t->words, sizeof(t->words), "connection refused");
	} else if (rc == CURLE_COULDNT_RESOLVE_HOST) {
		snprintf(t->words, sizeof(t->words), "the host name does not resolve");
	} else if (is_tls(rc)) {
		snprintf(t->words, sizeof(t->words), "TLS error: %s", detail);
	} else if (rc == CURLE_GOT_NOTHING) {
		snprintf(t->words, sizeof(t->words), "the connection closed without an answer");
	} else if (rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR) {
		snprintf(t->words, sizeof(t->words), "connection lost: %s", detail);
	} else {
		snprintf(t->words, sizeof(t->words), "%s", detail);
	}
	if (o->ok) {
		o->error = NULL;
		atomic_fetch_add(&n_delivered, 1);
	} else {
		o->error = t->words;
		atomic_fetch_add(&n_failed, 1);
	}
}

static void release(struct worker *w, struct transfer *t, bool added)
{
	if (added)
		curl_multi_remove_handle(w->multi, t->easy);
	curl_slist_free_all(t->headers);
	curl_slist_free_all(t->resolve);
	t->headers = t->resolve = NULL;
}

/* Starts the delivery of the claimed message m in a free slot t (which takes m over); a
 * delivery refused before any request is done at once. */
static void start(struct worker *w, struct transfer *t, struct outbox_message *m)
{
	t->msg = *m;
	memset(m, 0, sizeof(*m)); /* the slot owns url and body now */
	t->received = 0;
	t->truncated = false;
	t->refused[0] = t->error[0] = t->words[0] = '\0';
	t->outcome = &t->result;
	t->result = (struct outbox_outcome){t->msg.id, false, 0, NULL};
	if (prepare(w, t, &t->msg) && curl_multi_add_handle(w->multi, t->easy) == CURLM_OK) {
		t->state = SLOT_RUNNING;
		w->running++;
		return;
	}
	if (!t->result.error)
		refuse(t, "out of memory");
	atomic_fetch_add(&n_failed, 1);
	release(w, t, false);
	t->state = SLOT_DONE;
	if (w->done++ == 0)
		w->first_done_ms = monotonic_ms();
}

/* Frees slot t (its message). */
static void vacate(struct transfer *t)
{
	free(t->msg.url);
	free(t->msg.body);
	memset(&t->msg, 0, sizeof(t->msg));
	t->state = SLOT_FREE;
}

/* Moves the deliveries that finished to done. */
static void collect(struct worker *w)
{
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(w->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		struct transfer *t = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
		conclude(w, t, msg->data.result);
		release(w, t, true);
		t->state = SLOT_DONE;
		w->running--;
		if (w->done++ == 0)
			w->first_done_ms = monotonic_ms();
	}
}

/* Settles every done slot in one call and frees them. A settle that failed leaves the
 * leases to expire: the attempts are made again, with the same webhook-ids. */
static void settle_done(struct worker *w)
{
	const struct config *cfg = &w->o->cfg;
	size_t n = 0, cap = (size_t)cfg->outbound_concurrency;
	long gave_up = 0, disabled = 0;
	for (size_t i = 0; i < cap; i++)
		if (w->slots[i].state == SLOT_DONE)
			w->outcomes[n++] = w->slots[i].result;
	if (n == 0)
		return;
	enum db_status st =
	    outbox_settle(w->o->pool, w->outcomes, n, cfg->outbound_give_up_hours * 3600,
	                  cfg->outbound_disable_hours * 3600, &gave_up, &disabled);
	for (size_t i = 0; i < cap; i++)
		if (w->slots[i].state == SLOT_DONE)
			vacate(&w->slots[i]);
	w->done = 0;
	if (st != DB_OK) {
		log_msg(LOG_WARN, "outbound settle failed", db_status_name(st));
		return;
	}
	atomic_fetch_add(&n_gave_up, (unsigned long)gave_up);
	atomic_fetch_add(&n_disabled, (unsigned long)disabled);
	if (disabled > 0) {
		json_t *f = json_pack("{s:I}", "endpoints", (json_int_t)disabled);
		log_event(LOG_WARN, "outbound endpoints disabled for failing", f);
	}
}

/* Claims as many due attempts as there are free slots and starts them. Returns how many
 * were claimed, *full when that was all the room (more may be due), -1 on a failure. The
 * claim fans out recorded events first; while the API is busy (api_busy) only few, and
 * only those recorded LOYALTYD_OUTBOUND_YIELD_S ago or earlier: the fan-out and the
 * deliveries cost about as much as the ingest that recorded the events, so in a burst they
 * wait, durable and cheap to keep, and are fanned out after it (in an overload longer than
 * that, they trickle out meanwhile). */
static long fill(struct worker *w, bool *full, bool api_busy)
{
	const struct config *cfg = &w->o->cfg;
	size_t cap = (size_t)cfg->outbound_concurrency, room = cap - w->running - w->done;
	struct outbox_batch b = {0};
	*full = false;
	if (room == 0)
		return 0;
	enum db_status st =
	    outbox_claim(w->o->pool, (int)room, w->o->lease_s, (int)cfg->outbound_per_endpoint,
	                 api_busy ? OUTBOUND_FAN_OUT_BUSY : OUTBOUND_FAN_OUT,
	                 api_busy ? cfg->outbound_yield_s : 0, &b);
	if (st != DB_OK) {
		log_msg(LOG_WARN, "outbound claim failed", db_status_name(st));
		outbox_batch_free(&b);
		return -1;
	}
	size_t slot = 0;
	for (size_t i = 0; i < b.n; i++) {
		while (w->slots[slot].state != SLOT_FREE)
			slot++;
		start(w, &w->slots[slot], &b.m[i]);
	}
	*full = b.n == room;
	long got = (long)b.n;
	outbox_batch_free(&b);
	return got;
}

/* The first worker's chores: the gauges every few seconds, pruning every minute. */
static void maintain(struct worker *w)
{
	time_t now = time(NULL);
	const struct config *cfg = &w->o->cfg;
	if (now >= w->next_lag) {
		long pending = 0;
		double lag = 0;
		if (outbox_lag(w->o->pool, &pending, &lag) == DB_OK) {
			atomic_store(&g_pending, pending);
			atomic_store(&g_lag_s, lag);
		}
		w->next_lag = now + OUTBOUND_LAG_EVERY_S;
	}
	if (now >= w->next_prune) {
		long pruned = 0, total = 0;
		/* small batches, at most a minute's worth of them: never one long delete */
		for (int i = 0; i < 100 && !atomic_load(&w->o->stopping); i++) {
			if (outbox_prune(w->o->pool, cfg->outbound_retention_days * 86400,
			                 OUTBOUND_PRUNE_BATCH, &pruned) != DB_OK)
				break;
			total += pruned;
			if (pruned < OUTBOUND_PRUNE_BATCH)
				break;
		}
		if (total > 0) {
			json_t *f = json_pack("{s:I}", "messages", (json_int_t)total);
			log_event(LOG_INFO, "outbound messages pruned", f);
		}
		w->next_prune = now + OUTBOUND_PRUNE_EVERY_S;
	}
}

/* Waits ms milliseconds or until the stop. */
static void idle(struct outbound *o, long ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&o->lock);
	while (!atomic_load(&o->stopping) &&
	       pthread_cond_timedwait(&o->wake, &o->lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&o->lock);
}

/* Whether the worker leaves the CPU to requests now: while LOYALTYD_OUTBOUND_YIELD_AT or
 * more of the API's requests are in flight, or an import (a body over 64 KiB, an event
 * batch), it claims at most once every
 * OUTBOUND_YIELD_EVERY_MS (deliveries trickle during a burst, and catch up after it: the
 * outbox is durable, an ingest refused is not). */
static bool busy(const struct outbound *o)
{
	return o->busy && o->cfg.outbound_yield_at > 0 &&
	       (atomic_load(o->busy) >= o->cfg.outbound_yield_at || atomic_load(o->bulk) > 0);
}

static bool yielding(const struct worker *w, long now)
{
	return busy(w->o) && now - w->last_claim_ms < OUTBOUND_YIELD_EVERY_MS;
}

/* The worker's loop: slots are refilled as deliveries finish (a slow receiver holds its
 * own slots, never the others'), outcomes settled in small groups. */
static void *work(void *arg)
{
	struct worker *w = arg;
	struct outbound *o = w->o;
	long next_claim = 0;
	for (;;) {
		bool stopping = atomic_load(&o->stopping);
		long now = monotonic_ms();
		if (stopping && (w->running == 0 || now > atomic_load(&o->stop_deadline)))
			break; /* past the grace, the leases of those still running expire */
		if (!stopping && w->index == 0)
			maintain(w);
		if (!stopping && now >= next_claim && yielding(w, now)) {
			next_claim =
			    now + OUTBOUND_REFILL_MS; /* the API is busy: look again soon */
		} else if (!stopping && now >= next_claim) {
			w->last_claim_ms = now;
			bool full = false;
			long got = fill(w, &full, busy(o));
			/* more may be due at once; else look again soon while deliveries run (their
			 * ends free slots and unblock their customers' next messages), or after the
			 * poll interval when all is quiet */
			next_claim = full                        ? now
			             : got > 0 || w->running > 0 ? now + OUTBOUND_REFILL_MS
			                                         : now + o->cfg.outbound_poll_ms;
		}
		if (w->running > 0) {
			int still = 0;
			if (curl_multi_perform(w->multi, &still) == CURLM_OK)
				collect(w);
		}
		if (w->done > 0 &&
		    (w->running == 0 || w->done * 2 >= (size_t)o->cfg.outbound_concurrency ||
		     monotonic_ms() - w->first_done_ms >= OUTBOUND_SETTLE_MS)) {
			settle_done(w);
			/* slots are free and those customers' next messages may be due: look now */
			if (!stopping)
				next_claim = monotonic_ms();
		}
		long wait = next_claim - monotonic_ms();
		if (w->running > 0)
			curl_multi_poll(w->multi, NULL, 0,
			                wait < 1    ? 1
			                : wait > 50 ? 50
			                            : (int)wait,
			                NULL);
		else if (w->done == 0 && wait > 0)
			idle(o, wait);
	}
	settle_done(w);
	for (long i = 0; i < o->cfg.outbound_concurrency; i++) {
		struct transfer *t = &w->slots[i];
		if (t->state == SLOT_RUNNING)
			release(w, t, true); /* dropped at a forced stop: not settled */
		if (t->state != SLOT_FREE)
			vacate(t);
	}
	return NULL;
}

static void worker_free(struct worker *w)
{
	if (!w)
		return;
	for (long i = 0; w->slots && i < w->o->cfg.outbound_concurrency; i++)
		if (w->slots[i].easy)
			curl_easy_cleanup(w->slots[i].easy);
	if (w->multi)
		curl_multi_cleanup(w->multi);
	free(w->slots);
	free(w->outcomes);
	free(w);
}

static struct worker *worker_new(struct outbound *o, int index)
{
	struct worker *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->o = o;
	w->index = index;
	size_t n = (size_t)o->cfg.outbound_concurrency;
	w->slots = calloc(n, sizeof(*w->slots));
	w->outcomes = calloc(n, sizeof(*w->outcomes));
	w->multi = curl_multi_init();
	if (!w->slots || !w->outcomes || !w->multi) {
		worker_free(w);
		return NULL;
	}
	/* keep-alive: the multi handle keeps the connections across batches */
	curl_multi_setopt(w->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)n);
	curl_multi_setopt(w->multi, CURLMOPT_MAXCONNECTS, (long)n);
	for (size_t i = 0; i < n; i++) {
		w->slots[i].easy = curl_easy_init();
		if (!w->slots[i].easy) {
			worker_free(w);
			return NULL;
		}
	}
	return w;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	/* deliveries yield the CPU to requests: in a burst the outbox lags a little behind (it
	 * is durable), the API and ingest do not (Linux: a thread's nice value is its own) */
	if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), OUTBOUND_NICE) != 0)
		log_msg(LOG_DEBUG, "outbound: could not lower the dispatcher's priority", NULL);
	work(w);
	worker_free(w);
	return NULL;
}

int outbound_start(struct outbound **out, const struct config *cfg, atomic_long *busy,
                   atomic_long *bulk)
{
	*out = NULL;
	if (cfg->outbound_workers <= 0)
		return 0;
	struct outbound *o = calloc(1, sizeof(*o));
	if (!o)
		return -1;
	o->cfg = *cfg;
	o->busy = busy;
	o->bulk = bulk;
	/* a pool of their own, one connection per worker: the API's and ingest's are never
	 * taken by deliveries */
	o->cfg.db_pool = cfg->outbound_workers;
	o->lease_s = outbound_lease_s(cfg);
	pthread_mutex_init(&o->lock, NULL);
	pthread_cond_init(&o->wake, NULL);
	o->threads = calloc((size_t)cfg->outbound_workers, sizeof(*o->threads));
	if (!o->threads || pool_init(&o->pool, &o->cfg) != 0) {
		outbound_stop(o, 0);
		return -1;
	}
	for (long i = 0; i < cfg->outbound_workers; i++) {
		struct worker *w = worker_new(o, (int)i);
		if (!w || pthread_create(&o->threads[i], NULL, run, w) != 0) {
			worker_free(w);
			outbound_stop(o, 0);
			return -1;
		}
		o->nthreads++;
	}
	json_t *f = json_pack("{s:i, s:i, s:b}", "workers", (int)cfg->outbound_workers,
	                      "concurrency", (int)cfg->outbound_concurrency, "allow_private",
	                      cfg->outbound_allow_private != 0);
	log_event(LOG_INFO, "outbound dispatcher started", f);
	*out = o;
	return 0;
}

void outbound_request_stop(struct outbound *o, long grace_s)
{
	if (!o || atomic_load(&o->stopping))
		return;
	atomic_store(&o->stop_deadline, monotonic_ms() + grace_s * 1000);
	pthread_mutex_lock(&o->lock);
	atomic_store(&o->stopping, true);
	pthread_cond_broadcast(&o->wake);
	pthread_mutex_unlock(&o->lock);
}

void outbound_stop(struct outbound *o, long grace_s)
{
	if (!o)
		return;
	outbound_request_stop(o, grace_s);
	for (long i = 0; i < o->nthreads; i++)
		pthread_join(o->threads[i], NULL);
	pool_free(o->pool);
	pthread_cond_destroy(&o->wake);
	pthread_mutex_destroy(&o->lock);
	free(o->threads);
	free(o);
}
