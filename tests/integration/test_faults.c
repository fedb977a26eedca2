/* test_faults.c - database faults against the real server: PostgreSQL stopped with
 * -m immediate twice under a load of single and batch event POSTs with client ids (503 +
 * Retry-After within 2 s during the outage, recovery within 5 s, every acknowledged id
 * stored exactly once); a hung database (every PostgreSQL process SIGSTOPped) answered
 * 503 within LOYALTYD_DB_DEADLINE_MS and recovered after SIGCONT; lock_timeout on the
 * connections; a COMMIT cut off mid-way never retried by loyaltyd, and the client's
 * retry with its Idempotency-Key answered as the first success was. The figures of the
 * outage run are printed for bench/RESULTS.md. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "harness.h"

#define LOADERS 4
#define MAX_IDS 200000
#define BATCH 20

static struct fixture fx;
static const char *requests_key = fx.key; /* the key of the loader and timed_get */

/* ---- the outage load ---------------------------------------------------------------- */

struct load {
	atomic_bool stop;
	atomic_long sent, acked, refused, other;
	atomic_long slowest_503_ms;
	atomic_long last_ok_ms; /* now_ms() of the latest 2xx */
	pthread_mutex_t lock;
	char (*acked_ids)[40];
	long nacked;
};

static struct load load;

static void record_acked(const char *prefix, int thread, long first, int count)
{
	pthread_mutex_lock(&load.lock);
	for (int i = 0; i < count && load.nacked < MAX_IDS; i++)
		snprintf(load.acked_ids[load.nacked++], 40, "%s-%d-%ld", prefix, thread, first + i);
	pthread_mutex_unlock(&load.lock);
}

static void *loader(void *arg)
{
	int t = (int)(intptr_t)arg;
	long n = 0;
	char *body = malloc(BATCH * 160 + 32);
	while (!atomic_load(&load.stop)) {
		bool batch = n % 5 == 4;
		int count = batch ? BATCH : 1;
		size_t len = 0;
		if (batch)
			len += (size_t)sprintf(body + len, "{\"events\":[");
		for (int i = 0; i < count; i++)
			len += (size_t)sprintf(
			    body + len,
			    "%s{\"id\":\"fault-%d-%ld\",\"customer_id\":\"f%ld\",\"type\":"
			    "\"visit\",\"occurred_at\":\"2026-11-01T00:00:00Z\"}",
			    i ? "," : "", t, n + i, (n + i) % 50);
		if (batch)
			sprintf(body + len, "]}");
		struct response r;
		long t0 = now_ms();
		atomic_fetch_add(&load.sent, count);
		if (call_as(fx.srv.port, requests_key, "POST", "/v1/events", body, NULL, &r) != 0) {
			atomic_fetch_add(&load.other, count);
		} else {
			long took = now_ms() - t0;
			if (r.status == 200) {
				atomic_fetch_add(&load.acked, count);
				record_acked("fault", t, n, count);
				atomic_store(&load.last_ok_ms, now_ms());
			} else if (r.status == 503 && response_header(&r, "Retry-After") &&
			           strstr(r.head, "application/problem+json")) {
				atomic_fetch_add(&load.refused, count);
				long prev = atomic_load(&load.slowest_503_ms);
				while (took > prev && !atomic_compare_exchange_weak(
				                          &load.slowest_503_ms, &prev, took))
					;
			} else {
				fprintf(stderr, "unexpected answer %d: %s\n", r.status, r.body);
				atomic_fetch_add(&load.other, count);
			}
			response_free(&r);
		}
		n += count;
		usleep(2000);
	}
	free(body);
	return NULL;
}

/* Waits until a 2xx came after since (ms); returns how long that took, or -1. */
static long recovery_ms(long since, long limit_ms)
{
	while (now_ms() - since < limit_ms + 1000) {
		if (atomic_load(&load.last_ok_ms) > since)
			return atomic_load(&load.last_ok_ms) - since;
		usleep(20000);
	}
	return -1;
}

static void acknowledged_writes_survive_immediate_stops(void **state)
{
	(void)state;
	pthread_t th[LOADERS];
	long windows[2], recoveries[2];
	memset(&load, 0, sizeof(load));
	pthread_mutex_init(&load.lock, NULL);
	load.acked_ids = calloc(MAX_IDS, 40);
	for (int i = 0; i < LOADERS; i++)
		pthread_create(&th[i], NULL, loader, (void *)(intptr_t)i);
	sleep(2);
	for (int round = 0; round < 2; round++) {
		long down = now_ms();
		assert_int_equal(pg_ctl_action("stop immediate"), 0);
		sleep(2);
		long up_start = now_ms();
		assert_int_equal(pg_ctl_action("start"), 0);
		long up = now_ms();
		windows[round] = up - down;
		(void)up_start;
		recoveries[round] = recovery_ms(up, 5000);
		assert_true(recoveries[round] >= 0);
		assert_true(recoveries[round] <= 5000);
		sleep(2);
	}
	atomic_store(&load.stop, true);
	for (int i = 0; i < LOADERS; i++)
		pthread_join(th[i], NULL);

	/* every acknowledged id is stored exactly once */
	PGconn *c = PQconnectdb(getenv("LOYALTYD_TEST_DATABASE_URL"));
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	long lost = 0, duplicated = 0;
	for (long i = 0; i < load.nacked; i++) {
		const char *p[] = {fx.tenant, load.acked_ids[i]};
		PGresult *r = PQexecParams(c,
		                           "SELECT count(*) FROM events WHERE tenant_id = $1 AND "
		                           "client_id = $2",
		                           2, NULL, p, NULL, NULL, 0);
		long n = strtol(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		lost += n == 0;
		duplicated += n > 1;
	}
	PQfinish(c);
	/* nothing beyond what was sent, and no row twice */
	assert_int_equal(db_long("SELECT count(*) - count(DISTINCT client_id) FROM events WHERE "
	                         "tenant_id = $1",
	                         fx.tenant),
	                 0);
	assert_true(db_long("SELECT count(*) FROM events WHERE tenant_id = $1", fx.tenant) <=
	            atomic_load(&load.sent));
	printf("faults: sent %ld, acknowledged %ld, refused 503 %ld, other %ld, lost %ld, "
	       "duplicated %ld; outages %ld ms and %ld ms (-m immediate to restarted), recovered "
	       "%ld ms and %ld ms after; slowest 503 %ld ms\n",
	       atomic_load(&load.sent), atomic_load(&load.acked), atomic_load(&load.refused),
	       atomic_load(&load.other), lost, duplicated, windows[0], windows[1], recoveries[0],
	       recoveries[1], atomic_load(&load.slowest_503_ms));
	assert_int_equal(lost, 0);
	assert_int_equal(duplicated, 0);
	assert_int_equal(atomic_load(&load.other), 0);
	assert_true(atomic_load(&load.refused) > 0); /* the outages were seen */
	assert_true(atomic_load(&load.slowest_503_ms) < 2000);
	assert_int_equal(load.nacked, atomic_load(&load.acked));
	free(load.acked_ids);
}

/* ---- a hung database ------------------------------------------------------------------ */

struct timed {
	const char *path;
	int status;
	long ms;
};

static void *timed_get(void *arg)
{
	struct timed *t = arg;
	struct response r;
	long t0 = now_ms();
	t->status =
	    call_as(fx.srv.port, requests_key, "GET", t->path, NULL, NULL, &r) == 0 ? r.status : -1;
	t->ms = now_ms() - t0;
	if (t->status > 0) {
		if (t->status == 503)
			assert_non_null(response_header(&r, "Retry-After"));
		response_free(&r);
	}
	return NULL;
}

static void hung_database_is_503_within_the_deadline(void **state)
{
	(void)state;
	struct server hung;
	struct response r;
	const char *env[] = {"LOYALTYD_DB_DEADLINE_MS=1500",
	                     "LOYALTYD_DB_STATEMENT_TIMEOUT_MS=1000",
	                     "LOYALTYD_DB_CHECKOUT_MS=1000", "LOYALTYD_DB_POOL=4", NULL};
	server_start(&hung, env);
	int port = fx.srv.port;
	fx.srv.port = hung.port; /* timed_get speaks to srv */
	char t2[37], k2[64];
	create_tenant(hung.port, "Hung shop", t2, k2);
	requests_key = k2;
	json_decref(api_json(hung.port, k2, "PUT", "/v1/customers/h1", "{}", 201));

	assert_true(pg_signal_all(SIGSTOP) > 1);
	/* eight requests at once: pooled connections time out, the rest wait for one */
	struct timed t[8];
	pthread_t th[8];
	for (int i = 0; i < 8; i++) {
		t[i] = (struct timed){i % 2 ? "/v1/customers/h1" : "/v1/customers", 0, 0};
		pthread_create(&th[i], NULL, timed_get, &t[i]);
	}
	long slowest = 0;
	for (int i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 8; i++)
		fprintf(stderr, "hung: %s %d in %ld ms\n", t[i].path, t[i].status, t[i].ms);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(t[i].status, 503);
		/* the deadline (1.5 s) or a connection attempt (2 s), then at once: never a
		 * hang, even with fewer HTTP threads (4) than requests */
		assert_true(t[i].ms < 2500);
		slowest = t[i].ms > slowest ? t[i].ms : slowest;
	}
	/* the process itself answers at once */
	long t0 = now_ms();
	assert_int_equal(http(hung.port, "GET", "/healthz", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_true(now_ms() - t0 < 500);
	response_free(&r);

	assert_true(pg_signal_all(SIGCONT) > 1);
	long back = now_ms();
	int ok = 0;
	while (!ok && now_ms() - back < 5000) {
		struct timed one = {"/v1/customers/h1", 0, 0};
		timed_get(&one);
		ok = one.status == 200;
		if (!ok)
			usleep(100000);
	}
	assert_true(ok);
	printf("faults: hung database answered 503 within %ld ms at most; recovered %ld ms after "
	       "SIGCONT\n",
	       slowest, now_ms() - back);
	fx.srv.port = port;
	requests_key = fx.key;
	assert_int_equal(server_stop(&hung), 0);
}

static void lock_waits_end_at_lock_timeout(void **state)
{
	(void)state;
	struct server s;
	const char *env[] = {"LOYALTYD_DB_STATEMENT_TIMEOUT_MS=800", NULL};
	char t2[37], k2[64];
	server_start(&s, env);
	create_tenant(s.port, "Lock shop", t2, k2);
	json_decref(api_json(s.port, k2, "PUT", "/v1/customers/locked", "{}", 201));
	json_decref(api_json(s.port, k2, "POST", "/v1/customers/locked/points/adjust",
	                     "{\"points\":10,\"reason\":\"start\"}", 201));
	/* another session holds the customer's row */
	PGconn *c = PQconnectdb(getenv("LOYALTYD_TEST_DATABASE_URL"));
	const char *p[] = {t2};
	PQclear(PQexec(c, "BEGIN"));
	PGresult *res = PQexecParams(c,
	                             "SELECT id FROM customers WHERE tenant_id = $1 AND "
	                             "external_id = 'locked' FOR UPDATE",
	                             1, NULL, p, NULL, NULL, 0);
	assert_int_equal(PQntuples(res), 1);
	PQclear(res);
	long t0 = now_ms();
	json_t *j = api_json(s.port, k2, "POST", "/v1/customers/locked/points/adjust",
	                     "{\"points\":5,\"reason\":\"blocked\"}", 503);
	long took = now_ms() - t0;
	json_decref(j);
	assert_true(took >= 700 && took < 2500); /* lock_timeout = the statement timeout */
	PQclear(PQexec(c, "ROLLBACK"));
	PQfinish(c);
	json_decref(api_json(s.port, k2, "POST", "/v1/customers/locked/points/adjust",
	                     "{\"points\":5,\"reason\":\"free again\"}", 201));
	assert_int_equal(server_stop(&s), 0);
}

/* ---- a COMMIT cut off ------------------------------------------------------------------ */

static void *terminate_committer(void *arg)
{
	(void)arg;
	PGconn *c = PQconnectdb(getenv("LOYALTYD_TEST_DATABASE_URL"));
	for (int i = 0; i < 100; i++) {
		PGresult *r = PQexec(c, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
		                        "WHERE wait_event = 'PgSleep' AND application_name = "
		                        "'loyaltyd'");
		int n = PQntuples(r);
		PQclear(r);
		if (n > 0)
			break;
		usleep(50000);
	}
	PQfinish(c);
	return NULL;
}

static void cut_commit_is_not_retried_and_keyed_retry_answers_once(void **state)
{
	(void)state;
	PGconn *c = PQconnectdb(getenv("LOYALTYD_TEST_DATABASE_URL"));
	/* At COMMIT, the first event named cut-1 sleeps, so that its backend can be killed
	 * mid-commit; a sequence (outside any transaction) counts the attempts. */
	PGresult *r = PQexec(
	    c, "CREATE SEQUENCE test_cut_calls;"
	       "CREATE FUNCTION test_cut() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
	       "IF nextval('test_cut_calls') = 1 THEN PERFORM pg_sleep(5); END IF; RETURN NULL; "
	       "END $$;"
	       "CREATE CONSTRAINT TRIGGER test_cut AFTER INSERT ON events DEFERRABLE INITIALLY "
	       "DEFERRED FOR EACH ROW WHEN (NEW.client_id = 'cut-1') EXECUTE FUNCTION test_cut()");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);

	const char *body = "{\"id\":\"cut-1\",\"customer_id\":\"cutter\",\"type\":\"visit\","
	                   "\"occurred_at\":\"2026-11-01T00:00:00Z\"}";
	const char *h[] = {"Idempotency-Key: cut-key-1", NULL};
	pthread_t killer;
	pthread_create(&killer, NULL, terminate_committer, NULL);
	struct response resp;
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/events", body, h, &resp), 0);
	pthread_join(killer, NULL);
	/* the outcome is unknown to loyaltyd: 503, and it did not try again on its own */
	assert_int_equal(resp.status, 503);
	assert_non_null(response_header(&resp, "Retry-After"));
	response_free(&resp);
	assert_int_equal(db_long("SELECT last_value FROM test_cut_calls", NULL), 1);
	assert_int_equal(db_long("SELECT count(*) FROM events WHERE tenant_id = $1 AND "
	                         "client_id = 'cut-1'",
	                         fx.tenant),
	                 0);
	/* the client retries with its key: stored now, once */
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/events", body, h, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.body, "{\"accepted\":1,\"duplicates\":0}");
	assert_null(response_header(&resp, "Idempotent-Replayed"));
	response_free(&resp);
	/* and again: the first success, replayed, nothing stored */
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/events", body, h, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.body, "{\"accepted\":1,\"duplicates\":0}");
	assert_string_equal(response_header(&resp, "Idempotent-Replayed"), "true");
	response_free(&resp);
	assert_int_equal(db_long("SELECT count(*) FROM events WHERE tenant_id = $1 AND "
	                         "client_id = 'cut-1'",
	                         fx.tenant),
	                 1);
	assert_int_equal(db_long("SELECT last_value FROM test_cut_calls", NULL), 2);
	r = PQexec(c, "DROP TRIGGER test_cut ON events; DROP FUNCTION test_cut(); "
	              "DROP SEQUENCE test_cut_calls");
	PQclear(r);
	PQfinish(c);
}

/* ---- exactly once under a hung database ------------------------------------------------ */

#define KEYED_EARNERS 12
#define KEYED_BATCHERS 4
#define KEYED_BATCH 5
#define KEYED_GIVE_UP_MS 30000

struct keyed {
	atomic_bool stop;
	atomic_long requests, earns_acked, batches_acked, conflicts, unavailable, failed;
	atomic_long longest_409_ms; /* from a key's first 409 to its success */
	int port;
	char key[64];
};

static struct keyed keyed;

/* One client: key after key, each retried on 5xx, 409 or a broken connection until it is
 * answered 2xx, as a careful client would (the reproducer). */
static void *keyed_client(void *arg)
{
	int t = (int)(intptr_t)arg;
	bool batcher = t >= KEYED_EARNERS;
	char body[1024], idem[96], path[96];
	for (long n = 0; !atomic_load(&keyed.stop); n++) {
		snprintf(idem, sizeof(idem), "Idempotency-Key: k-%d-%ld", t, n);
		if (batcher) {
			size_t len = (size_t)sprintf(body, "{\"events\":[");
			for (int i = 0; i < KEYED_BATCH; i++)
				len += (size_t)sprintf(
				    body + len,
				    "%s{\"customer_id\":\"batcher-%d\",\"type\":\"visit\","
				    "\"occurred_at\":\"2026-11-01T00:00:00Z\"}",
				    i ? "," : "", t);
			sprintf(body + len, "]}");
			snprintf(path, sizeof(path), "/v1/events");
		} else {
			snprintf(body, sizeof(body),
			         "{\"points\":1,\"reason\":\"keyed\",\"reference\":\"k-%d-%ld\"}",
			         t, n);
			snprintf(path, sizeof(path), "/v1/customers/earner-%d/points/earn", t);
		}
		const char *h[] = {idem, NULL};
		long start = now_ms(), first_409 = -1;
		for (;;) {
			struct response r;
			atomic_fetch_add(&keyed.requests, 1);
			int status = call_as(keyed.port, keyed.key, "POST", path, body, h, &r) == 0
			                 ? r.status
			                 : -1;
			if (status == 409) {
				assert_string_equal(response_header(&r, "Retry-After"), "1");
				atomic_fetch_add(&keyed.conflicts, 1);
				if (first_409 < 0)
					first_409 = now_ms();
			} else if (status >= 500) {
				atomic_fetch_add(&keyed.unavailable, 1);
			}
			if (status > 0)
				response_free(&r);
			if (status == 200 || status == 201) {
				atomic_fetch_add(
				    batcher ? &keyed.batches_acked : &keyed.earns_acked, 1);
				if (first_409 >= 0) {
					long span = now_ms() - first_409,
					     prev = atomic_load(&keyed.longest_409_ms);
					while (span > prev &&
					       !atomic_compare_exchange_weak(&keyed.longest_409_ms,
					                                     &prev, span))
						;
				}
				break;
			}
			if ((status != 409 && status < 500 && status != -1) ||
			    now_ms() - start > KEYED_GIVE_UP_MS) {
				fprintf(stderr, "keyed: %s gave up with %d\n", idem, status);
				atomic_fetch_add(&keyed.failed, 1);
				return NULL;
			}
			usleep(20000);
		}
	}
	return NULL;
}

static void keyed_writes_apply_once_under_a_hung_database(void **state)
{
	(void)state;
	struct server s;
	const char *env[] = {"LOYALTYD_DB_DEADLINE_MS=1500",
	                     "LOYALTYD_DB_STATEMENT_TIMEOUT_MS=1000",
	                     "LOYALTYD_DB_CHECKOUT_MS=1000", "LOYALTYD_RATE_LIMIT=0", NULL};
	char t2[37], k2[64];
	server_start(&s, env);
	create_tenant(s.port, "Keyed shop", t2, k2);
	memset(&keyed, 0, sizeof(keyed));
	keyed.port = s.port;
	snprintf(keyed.key, sizeof(keyed.key), "%s", k2);
	for (int t = 0; t < KEYED_EARNERS; t++) {
		char path[64];
		snprintf(path, sizeof(path), "/v1/customers/earner-%d", t);
		json_decref(api_json(s.port, k2, "PUT", path, "{}", 201));
	}
	pthread_t th[KEYED_EARNERS + KEYED_BATCHERS];
	for (int t = 0; t < KEYED_EARNERS + KEYED_BATCHERS; t++)
		pthread_create(&th[t], NULL, keyed_client, (void *)(intptr_t)t);
	sleep(1);
	/* the postmaster and every backend stopped for 4 s, mid-load: statements, claims and
	 * COMMITs are caught in flight */
	assert_true(pg_signal_all(SIGSTOP) > 1);
	sleep(4);
	assert_true(pg_signal_all(SIGCONT) > 1);
	sleep(3);
	atomic_store(&keyed.stop, true);
	for (int t = 0; t < KEYED_EARNERS + KEYED_BATCHERS; t++)
		pthread_join(th[t], NULL);

	long earns = db_long("SELECT count(*) FROM points_ledger WHERE tenant_id = $1 AND kind = "
	                     "'earn'",
	                     t2);
	long distinct = db_long("SELECT count(DISTINCT reference) FROM points_ledger WHERE "
	                        "tenant_id = $1 AND kind = 'earn'",
	                        t2);
	long visits =
	    db_long("SELECT count(*) FROM events WHERE tenant_id = $1 AND type = 'visit'", t2);
	long acked = atomic_load(&keyed.earns_acked), batches = atomic_load(&keyed.batches_acked);
	printf("faults: keyed under SIGSTOP 4 s: %ld requests; earns acknowledged %ld, in the "
	       "ledger %ld (distinct keys %ld); batches acknowledged %ld (%ld events), stored %ld; "
	       "503 %ld, 409 %ld, longest 409 run %ld ms\n",
	       atomic_load(&keyed.requests), acked, earns, distinct, batches, batches * KEYED_BATCH,
	       visits, atomic_load(&keyed.unavailable), atomic_load(&keyed.conflicts),
	       atomic_load(&keyed.longest_409_ms));
	assert_int_equal(atomic_load(&keyed.failed), 0);
	assert_true(atomic_load(&keyed.unavailable) > 0); /* the hang was seen */
	assert_true(acked > 0 && batches > 0);
	/* every acknowledged earn applied once: none lost, none twice */
	assert_int_equal(earns, acked);
	assert_int_equal(distinct, acked);
	assert_int_equal(visits, batches * KEYED_BATCH);
	/* and a key is busy only while its first transaction is really alive */
	assert_true(atomic_load(&keyed.longest_409_ms) <= 3000);
	/* a finished key replays its answer byte for byte */
	struct response a, b;
	const char *h[] = {"Idempotency-Key: k-0-0", NULL};
	const char *first = "{\"points\":1,\"reason\":\"keyed\",\"reference\":\"k-0-0\"}";
	assert_int_equal(
	    call_as(s.port, keyed.key, "POST", "/v1/customers/earner-0/points/earn", first, h, &a),
	    0);
	assert_int_equal(
	    call_as(s.port, keyed.key, "POST", "/v1/customers/earner-0/points/earn", first, h, &b),
	    0);
	assert_int_equal(a.status, 201);
	assert_string_equal(response_header(&a, "Idempotent-Replayed"), "true");
	assert_string_equal(a.body, b.body);
	response_free(&a);
	response_free(&b);
	assert_int_equal(db_long("SELECT count(*) FROM points_ledger WHERE tenant_id = $1 AND "
	                         "reference = 'k-0-0'",
	                         t2),
	                 1);
	assert_int_equal(server_stop(&s), 0);
}

/* A redeem whose first request is still running (waiting for the customer's row): the
 * same key is told 409 with Retry-After at once, and once the first finishes the retry
 * replays its answer; the points are spent once. */
static void keyed_redeem_in_flight_is_409_then_replayed(void **state)
{
	(void)state;
	json_decref(api_json(fx.srv.port, fx.key, "PUT", "/v1/customers/spender", "{}", 201));
	json_decref(api_json(fx.srv.port, fx.key, "POST", "/v1/customers/spender/points/adjust",
	                     "{\"points\":100,\"reason\":\"start\"}", 201));
	PGconn *c = PQconnectdb(getenv("LOYALTYD_TEST_DATABASE_URL"));
	const char *p[] = {fx.tenant};
	PQclear(PQexec(c, "BEGIN"));
	PGresult *res = PQexecParams(c,
	                             "SELECT id FROM customers WHERE tenant_id = $1 AND "
	                             "external_id = 'spender' FOR UPDATE",
	                             1, NULL, p, NULL, NULL, 0);
	assert_int_equal(PQntuples(res), 1);
	PQclear(res);
	const char *h[] = {"Idempotency-Key: redeem-1", NULL};
	const char *body = "{\"points\":30,\"reason\":\"gift\"}";
	pid_t first = fork();
	if (first == 0) {
		struct response r;
		int ok = call_as(fx.srv.port, fx.key, "POST", "/v1/customers/spender/points/redeem",
		                 body, h, &r) == 0 &&
		         r.status == 201;
		_exit(ok ? 0 : 1);
	}
	usleep(300000); /* the first now waits for the row */
	struct response r;
	long t0 = now_ms();
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/customers/spender/points/redeem",
	                         body, h, &r),
	                 0);
	assert_true(now_ms() - t0 < 500);
	assert_int_equal(r.status, 409);
	assert_string_equal(response_header(&r, "Retry-After"), "1");
	assert_non_null(strstr(r.body, "idempotency-key-in-use"));
	response_free(&r);
	PQclear(PQexec(c, "ROLLBACK"));
	PQfinish(c);
	int wst = 0;
	assert_int_equal(waitpid(first, &wst, 0), first);
	assert_true(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/customers/spender/points/redeem",
	                         body, h, &r),
	                 0);
	assert_int_equal(r.status, 201);
	assert_string_equal(response_header(&r, "Idempotent-Replayed"), "true");
	json_t *j = response_json(&r);
	assert_int_equal(json_int(j, "balance"), 70);
	assert_int_equal(json_int(j, "points"), -30);
	json_decref(j);
	response_free(&r);
	assert_int_equal(db_long("SELECT count(*) FROM points_ledger WHERE tenant_id = $1 AND "
	                         "kind = 'redeem'",
	                         fx.tenant),
	                 1);
}

static int setup(void **state)
{
	fixture_setup(state, &fx, NULL, "Fault shop");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(acknowledged_writes_survive_immediate_stops),
	    cmocka_unit_test(hung_database_is_503_within_the_deadline),
	    cmocka_unit_test(lock_waits_end_at_lock_timeout),
	    cmocka_unit_test(cut_commit_is_not_retried_and_keyed_retry_answers_once),
	    cmocka_unit_test(keyed_redeem_in_flight_is_409_then_replayed),
	    cmocka_unit_test(keyed_writes_apply_once_under_a_hung_database),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
