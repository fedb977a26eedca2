/* test_ingest.c - group commit of single-event requests under concurrency, against the
 * real server and database: every request is answered only with its own result, a
 * client id contended by many requests is stored once, requests are really grouped, and
 * a request that fails inside PostgreSQL fails alone. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "harness.h"

#define THREADS 16
#define PER_THREAD 40

static struct fixture fx;
static int round_no; /* makes each round's own ids new */

struct worker {
	int no;
	int statuses[PER_THREAD];
	long accepted[PER_THREAD];
	const char *poison_at; /* send the poisoned event as request 0 of worker 0 */
};

static int setup(void **state)
{
	fixture_setup(state, &fx, NULL, "Group commit shop");
	return 0;
}

static void *send_events(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < PER_THREAD; i++) {
		char body[256], id[64];
		struct response r;
		/* every 10th request carries a client id shared by all threads */
		if (w->poison_at && i == 0)
			snprintf(id, sizeof(id), "%s", w->poison_at);
		else if (i % 10 == 0)
			snprintf(id, sizeof(id), "shared-%d", i / 10);
		else
			snprintf(id, sizeof(id), "r%d-t%d-%d", round_no, w->no, i);
		snprintf(body, sizeof(body),
		         "{\"id\":\"%s\",\"customer_id\":\"g%d\",\"type\":\"visit\","
		         "\"occurred_at\":\"2026-04-01T10:00:00Z\"}",
		         id, (w->no * PER_THREAD + i) % 37);
		w->statuses[i] = -1;
		if (call_as(fx.srv.port, fx.key, "POST", "/v1/events", body, NULL, &r) == 0) {
			w->statuses[i] = r.status;
			json_t *j = response_json(&r);
			w->accepted[i] = (long)json_integer_value(json_object_get(j, "accepted"));
			json_decref(j);
			response_free(&r);
		}
	}
	return NULL;
}

static long metric(const char *name)
{
	struct response r;
	char series[128];
	assert_int_equal(http(fx.srv.port, "GET", "/metrics", NULL, NULL, &r), 0);
	snprintf(series, sizeof(series), "\n%s ", name);
	const char *p = strstr(r.body, series);
	long v = p ? strtol(p + strlen(series), NULL, 10) : -1;
	response_free(&r);
	return v;
}

static void run_workers(struct worker *w, const char *poison)
{
	pthread_t t[THREADS];
	round_no++;

	for (int i = 0; i < THREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].no = i;
		w[i].poison_at = i == 0 ? poison : NULL;
		pthread_create(&t[i], NULL, send_events, &w[i]);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
}

static void concurrent_requests_get_exact_answers(void **state)
{
	static struct worker w[THREADS];
	(void)state;
	long groups0 = metric("loyaltyd_ingest_groups_total");
	long requests0 = metric("loyaltyd_ingest_requests_total");
	run_workers(w, NULL);
	long total_accepted = 0;
	for (int i = 0; i < THREADS; i++)
		for (int k = 0; k < PER_THREAD; k++) {
			if (w[i].statuses[k] != 200)
				fail_msg("worker %d request %d: status %d", i, k, w[i].statuses[k]);
			assert_true(w[i].accepted[k] == 0 || w[i].accepted[k] == 1);
			/* a request with its own id is always accepted */
			if (k % 10 != 0)
				assert_int_equal(w[i].accepted[k], 1);
			total_accepted += w[i].accepted[k];
		}
	/* 16 x 36 own ids + the 4 shared ids once each */
	assert_int_equal(total_accepted, THREADS * (PER_THREAD - 4) + 4);
	for (int s = 0; s < 4; s++) {
		long winners = 0;
		for (int i = 0; i < THREADS; i++)
			winners += w[i].accepted[s * 10];
		assert_int_equal(winners, 1);
	}
	assert_int_equal(db_long("SELECT count(*) FROM events WHERE tenant_id = $1", fx.tenant),
	                 total_accepted);
	long groups = metric("loyaltyd_ingest_groups_total") - groups0;
	long requests = metric("loyaltyd_ingest_requests_total") - requests0;
	assert_int_equal(requests, THREADS * PER_THREAD);
	/* with 16 clients at once, requests share transactions */
	if (!(groups < requests))
		fail_msg("no coalescing: %ld groups for %ld requests", groups, requests);
}

/* One round with a poisoned request: it alone fails, every other request is stored. */
static void poisoned_round(struct worker *w)
{
	long before = db_long("SELECT count(*) FROM events WHERE tenant_id = $1", fx.tenant);
	run_workers(w, "poison");
	assert_int_equal(w[0].statuses[0], 500);
	long stored = 0;
	for (int i = 0; i < THREADS; i++)
		for (int k = 0; k < PER_THREAD; k++) {
			if (i == 0 && k == 0)
				continue;
			if (w[i].statuses[k] != 200)
				fail_msg("worker %d request %d failed with the poisoned one: %d", i,
				         k, w[i].statuses[k]);
			stored += w[i].accepted[k];
		}
	/* the own ids of a round are new; the shared ones were stored in the first test */
	assert_int_equal(stored, THREADS * (PER_THREAD - 4));
	assert_int_equal(db_long("SELECT count(*) FROM events WHERE tenant_id = $1", fx.tenant),
	                 before + stored);
}

static void a_request_failing_in_the_database_fails_alone(void **state)
{
	static struct worker w[THREADS];
	(void)state;
	/* A trigger stands in for any failure PostgreSQL may raise on one request's data. */
	PGconn *c = PQconnectdb(getenv("LOYALTYD_TEST_DATABASE_URL"));
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *r = PQexec(
	    c, "CREATE FUNCTION test_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
	       "IF NEW.client_id = 'poison' THEN RAISE EXCEPTION 'poisoned event'; END IF; "
	       "RETURN NEW; END $$; CREATE TRIGGER test_poison BEFORE INSERT ON events FOR EACH "
	       "ROW EXECUTE FUNCTION test_poison()");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	/* Which requests share a group depends on timing: repeat until the poisoned one has
	 * shared a group (the retry counter moved), checking isolation every time. */
	long retried0 = metric("loyaltyd_ingest_retried_total");
	int rounds = 0;
	while (rounds < 5 && metric("loyaltyd_ingest_retried_total") == retried0) {
		poisoned_round(w);
		rounds++;
	}
	r = PQexec(c, "DROP TRIGGER test_poison ON events; DROP FUNCTION test_poison()");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	PQfinish(c);
	if (metric("loyaltyd_ingest_retried_total") == retried0)
		fail_msg("in %d rounds the poisoned request never shared a group", rounds);
}

/* A large import refreshes the planner's statistics at once (LOYALTYD_ANALYZE_EVERY), not
 * a minute later: the manual-ANALYZE count of the events table goes up (autovacuum's own
 * runs count apart, in autoanalyze_count). */
static void a_large_import_refreshes_statistics(void **state)
{
	struct server s;
	char import_tenant[37], import_key[64], body[8192];
	const char *env[] = {"LOYALTYD_ANALYZE_EVERY=50", NULL};
	const char *count =
	    "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'events'";
	(void)state;
	server_start(&s, env);
	create_tenant(s.port, "Import shop", import_tenant, import_key);
	long before = db_long(count, NULL);
	size_t len = (size_t)snprintf(body, sizeof(body), "{\"events\":[");
	for (int i = 0; i < 60; i++)
		len += (size_t)snprintf(body + len, sizeof(body) - len,
		                        "%s{\"customer_id\":\"imp-%d\",\"type\":\"visit\","
		                        "\"occurred_at\":\"2026-01-01T00:00:00Z\"}",
		                        i ? "," : "", i);
	snprintf(body + len, sizeof(body) - len, "]}");
	json_decref(api_json(s.port, import_key, "POST", "/v1/events", body, 200));
	long after = before;
	for (int i = 0; i < 100 && after == before; i++) {
		usleep(100000);
		after = db_long(count, NULL);
	}
	assert_true(after > before);
	assert_int_equal(server_stop(&s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(concurrent_requests_get_exact_answers),
	    cmocka_unit_test(a_large_import_refreshes_statistics),
	    cmocka_unit_test(a_request_failing_in_the_database_fails_alone),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
