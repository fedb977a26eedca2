/* test_hostile.c - hostile HTTP and hostile JSON against the real server: ambiguous body
 * framing (two Content-Lengths, Content-Length with chunked, unknown or repeated
 * Transfer-Encodings) is 400 and stores nothing; 40 KB of headers is 431; a body
 * trickled past LOYALTYD_BODY_TIMEOUT_S loses its connection; the per-address connection
 * limit; slowhttptest's slow headers and slow bodies do not starve /healthz for another
 * client; and JSON with duplicate keys, NUL bytes, invalid UTF-8, lone surrogates,
 * 100,000 levels of nesting, huge numbers or wrong types is 400/422 problem+json, never a
 * crash, with the server still whole afterwards. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static struct fixture fx;
static char auth[96];

static long events_stored(void)
{
	return db_long("SELECT count(*) FROM events WHERE tenant_id = $1", fx.tenant);
}

/* Sends raw request bytes (the headers after the request line and Authorization) and
 * returns the status; the body of a problem answer is checked to be problem+json. */
static int raw_status(const char *rest, size_t len)
{
	char *req = malloc(len + 512);
	int n = snprintf(req, 512, "POST /v1/events HTTP/1.1\r\nHost: x\r\n%s\r\n", auth);
	memcpy(req + n, rest, len);
	struct response r;
	int rc = http_raw(fx.srv.port, req, (size_t)n + len, &r);
	free(req);
	if (rc != 0)
		return -1;
	int status = r.status;
	if (status == 400)
		assert_non_null(strstr(r.head, "application/problem+json"));
	response_free(&r);
	return status;
}

#define EVENT "{\"customer_id\":\"h1\",\"type\":\"visit\",\"occurred_at\":\"2026-01-01T00:00:00Z\"}"

static void ambiguous_framing_is_400_and_stores_nothing(void **state)
{
	(void)state;
	char buf[1024];
	size_t len = strlen(EVENT);
	long before = events_stored();
	/* EVENT is 72 bytes */
	static const char *const cases[] = {
	    "Content-Length: 72\r\nContent-Length: 72\r\n",
	    "Content-Length: 72\r\nContent-Length: 5\r\n",
	    "Content-Length: 72\r\nTransfer-Encoding: chunked\r\n",
	    "Transfer-Encoding: gzip\r\n",
	    "Transfer-Encoding: gzip, chunked\r\n",
	    "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
	    "Transfer-Encoding: identity\r\n",
	};
	assert_int_equal(len, 72);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = snprintf(buf, sizeof(buf), "Content-Type: application/json\r\n%s\r\n",
		                 cases[i]);
		memcpy(buf + n, EVENT, len);
		if (raw_status(buf, (size_t)n + len) != 400)
			fail_msg("case %zu was not refused with 400", i);
	}
	assert_int_equal(events_stored(), before);
	/* one honest chunked body goes through */
	int n = snprintf(
	    buf, sizeof(buf),
	    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n%zx\r\n", len);
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s\r\n0\r\n\r\n", EVENT);
	assert_int_equal(raw_status(buf, (size_t)n), 200);
	assert_int_equal(events_stored(), before + 1);
}

static void huge_headers_are_431(void **state)
{
	(void)state;
	size_t big = 40 * 1024;
	char *buf = malloc(big + 256);
	int n = sprintf(buf, "X-Padding: ");
	memset(buf + n, 'a', big);
	n += (int)big;
	n += sprintf(buf + n, "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
	assert_int_equal(raw_status(buf, (size_t)n), 431);
	free(buf);
	/* many small ones add up the same */
	buf = malloc(64 * 1024);
	n = 0;
	for (int i = 0; i < 2000; i++)
		n += sprintf(buf + n, "X-H%d: v\r\n", i);
	n += sprintf(buf + n, "Content-Length: 2\r\n\r\n{}");
	assert_int_equal(raw_status(buf, (size_t)n), 431);
	free(buf);
	struct response r;
	assert_int_equal(http(fx.srv.port, "GET", "/healthz", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	response_free(&r);
}

static void slow_body_loses_its_connection_at_the_body_deadline(void **state)
{
	(void)state;
	struct server s;
	const char *env[] = {"LOYALTYD_BODY_TIMEOUT_S=2", NULL};
	char t2[37], k2[64], head[512];
	server_start(&s, env);
	create_tenant(s.port, "Slow body", t2, k2);
	int fd = conn_open(s.port);
	int n = snprintf(head, sizeof(head),
	                 "POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
	                 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
	                 k2, strlen(EVENT));
	assert_int_equal(conn_send(fd, head, (size_t)n), 0);
	long t0 = now_ms();
	bool cut = false;
	/* one byte every 300 ms: never idle long enough for the idle timeout */
	for (size_t i = 0; i < strlen(EVENT) && !cut; i++) {
		if (send(fd, EVENT + i, 1, MSG_NOSIGNAL) != 1)
			cut = true;
		char c;
		if (recv(fd, &c, 1, MSG_DONTWAIT) == 0)
			cut = true;
		usleep(300000);
	}
	long took = now_ms() - t0;
	close(fd);
	assert_true(cut);
	assert_true(took >= 2000 && took < 5000);
	assert_int_equal(db_long("SELECT count(*) FROM events WHERE tenant_id = $1", t2), 0);
	assert_int_equal(server_stop(&s), 0);
}

/* GET /healthz from another client address; returns the status, or -1. */
static int healthz_from(int port, const char *source, long *ms)
{
	struct response r;
	long t0 = now_ms();
	int fd = conn_open_from(port, source);
	const char req[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	int status = -1;
	if (fd >= 0 && conn_send(fd, req, sizeof(req) - 1) == 0 &&
	    conn_read_response(fd, &r) == 0) {
		status = r.status;
		response_free(&r);
	}
	if (fd >= 0)
		close(fd);
	*ms = now_ms() - t0;
	return status;
}

static void per_address_connection_limit(void **state)
{
	(void)state;
	struct server s;
	const char *env[] = {"LOYALTYD_MAX_CONNECTIONS_PER_IP=8", NULL};
	server_start(&s, env);
	int fds[20], refused = 0;
	/* from an address nothing else uses: server_start's readiness probe came from
	 * 127.0.0.1, and under load its connection may still count when these open */
	for (int i = 0; i < 20; i++)
		fds[i] = conn_open_from(s.port, "127.0.0.3");
	usleep(300000);
	for (int i = 0; i < 20; i++) {
		char c;
		/* a connection over the limit is closed by the server at once */
		if (fds[i] < 0 || recv(fds[i], &c, 1, MSG_DONTWAIT) == 0)
			refused++;
	}
	assert_int_equal(refused, 12);
	long ms;
	assert_int_equal(healthz_from(s.port, "127.0.0.2", &ms), 200);
	for (int i = 0; i < 20; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	usleep(200000);
	assert_int_equal(healthz_from(s.port, "127.0.0.3", &ms), 200);
	assert_int_equal(server_stop(&s), 0);
}

/* Runs slowhttptest (mode -H slow headers, -B slow body) against port for secs seconds
 * while another client probes /healthz; fails unless every probe answers 200 in time. */
static void slow_clients_do_not_starve(int port, const char *mode, int secs)
{
	char url[96], len[16];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/healthz", port);
	snprintf(len, sizeof(len), "%d", secs);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(127);
		execlp("slowhttptest", "slowhttptest", mode, "-c", "400", "-r", "200", "-i", "1",
		       "-l", len, "-s", "8192", "-t", "POST", "-u", url, (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	sleep(2); /* let it open its connections */
	int probes = 0;
	long slowest = 0;
	long until = now_ms() + (secs - 3) * 1000L;
	while (now_ms() < until) {
		long ms;
		assert_int_equal(healthz_from(port, "127.0.0.2", &ms), 200);
		slowest = ms > slowest ? ms : slowest;
		probes++;
		usleep(200000);
	}
	int status;
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 127); /* it ran */
	printf("hostile: slowhttptest %s: %d /healthz probes from another address, slowest "
	       "%ld ms\n",
	       mode, probes, slowest);
	assert_true(probes >= 10);
	assert_true(slowest < 1000);
}

static void slowloris_and_slow_bodies_do_not_starve_healthz(void **state)
{
	(void)state;
	struct server s;
	const char *env[] = {"LOYALTYD_THREADS=8", NULL};
	server_start(&s, env);
	slow_clients_do_not_starve(s.port, "-H", 10);
	slow_clients_do_not_starve(s.port, "-B", 10);
	assert_int_equal(server_stop(&s), 0);
}

/* ---- slow heads from many addresses ------------------------------------------------- */

#define TRICKLE_ADDRESSES 20
#define TRICKLE_PER_ADDRESS 16

struct trickle {
	int port;
	atomic_bool stop;
	atomic_long reopened; /* connections the server closed, opened again */
	int fds[TRICKLE_ADDRESSES * TRICKLE_PER_ADDRESS];
};

static int trickle_open(int port, int i)
{
	char source[32];
	snprintf(source, sizeof(source), "127.0.0.%d", 20 + i / TRICKLE_PER_ADDRESS);
	int fd = conn_open_from(port, source);
	/* half trickle their heads, half their bodies (to a webhook: no key needed) */
	const char *start = i % 2
	                        ? "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "
	                        : "POST /v1/webhooks/shopify/00000000-0000-0000-0000-000000000001 "
	                          "HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
	                          "Content-Length: 100000\r\n\r\n";
	if (fd >= 0 && conn_send(fd, start, strlen(start)) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Every connection sends one header byte a second, never finishing its head; one the
 * server closed is opened again at once, as an attacker would. */
static void *trickler(void *arg)
{
	struct trickle *t = arg;
	size_t n = sizeof(t->fds) / sizeof(t->fds[0]);
	for (size_t i = 0; i < n; i++)
		t->fds[i] = trickle_open(t->port, (int)i);
	while (!atomic_load(&t->stop)) {
		for (size_t i = 0; i < n && !atomic_load(&t->stop); i++) {
			char c;
			bool gone = t->fds[i] < 0 || recv(t->fds[i], &c, 1, MSG_DONTWAIT) == 0 ||
			            send(t->fds[i], "a", 1, MSG_NOSIGNAL) != 1;
			if (gone) {
				if (t->fds[i] >= 0)
					close(t->fds[i]);
				t->fds[i] = trickle_open(t->port, (int)i);
				atomic_fetch_add(&t->reopened, 1);
			}
		}
		usleep(1000000);
	}
	for (size_t i = 0; i < n; i++)
		if (t->fds[i] >= 0)
			close(t->fds[i]);
	return NULL;
}

/* The hostile session's attack, scaled to the test: 320 connections from 20 addresses
 * (under the per-address limit, over the whole budget of 256) trickle their heads, or
 * their bodies, a byte a second. /healthz stays reachable for everyone else, and no trickling
 * connection outlives the head deadline. */
static void slow_heads_from_many_addresses_do_not_take_the_service(void **state)
{
	(void)state;
	struct server s;
	const char *env[] = {"LOYALTYD_MAX_CONNECTIONS=256", "LOYALTYD_HEAD_TIMEOUT_S=2",
	                     "LOYALTYD_BODY_TIMEOUT_S=3", NULL};
	server_start(&s, env);
	static struct trickle t;
	memset(&t, 0, sizeof(t));
	t.port = s.port;
	pthread_t th;
	pthread_create(&th, NULL, trickler, &t);
	sleep(1);
	int probes = 0, failed = 0;
	long slowest = 0;
	long until = now_ms() + 8000;
	while (now_ms() < until) {
		long ms;
		if (healthz_from(s.port, "127.0.0.3", &ms) != 200)
			failed++;
		slowest = ms > slowest ? ms : slowest;
		probes++;
		usleep(200000);
	}
	atomic_store(&t.stop, true);
	pthread_join(th, NULL);
	/* one more trickler, alone and timed: closed at the deadline, however steadily it
	 * sends (while the budget was full, new connections pushed the oldest out sooner) */
	int fd = conn_open_from(s.port, "127.0.0.4");
	const char start[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
	assert_int_equal(conn_send(fd, start, sizeof(start) - 1), 0);
	long t0 = now_ms(), lasted = -1;
	while (now_ms() - t0 < 10000) {
		char c;
		if (recv(fd, &c, 1, MSG_DONTWAIT) == 0 || send(fd, "a", 1, MSG_NOSIGNAL) != 1) {
			lasted = now_ms() - t0;
			break;
		}
		usleep(250000);
	}
	close(fd);
	printf("hostile: %d slow heads and bodies from %d addresses: %d /healthz probes, %d "
	       "failed, slowest "
	       "%ld ms; %ld trickling connections closed by the server; a timed one lasted %ld "
	       "ms (deadline 2 s)\n",
	       TRICKLE_ADDRESSES * TRICKLE_PER_ADDRESS, TRICKLE_ADDRESSES, probes, failed, slowest,
	       atomic_load(&t.reopened), lasted);
	assert_int_equal(failed, 0);
	assert_true(probes >= 20);
	assert_true(slowest < 1000);
	assert_true(lasted >= 1900 && lasted < 3500);
	/* they were cut: at the deadline, or to make room, and /metrics says so */
	assert_true(atomic_load(&t.reopened) >= TRICKLE_ADDRESSES * TRICKLE_PER_ADDRESS);
	struct response r;
	assert_int_equal(http(s.port, "GET", "/metrics", NULL, NULL, &r), 0);
	const char *ev = strstr(r.body, "\nloyaltyd_http_slow_evictions_total ");
	const char *to = strstr(r.body, "\nloyaltyd_http_slow_timeouts_total ");
	assert_non_null(ev);
	assert_non_null(to);
	assert_true(strtol(ev + strlen("\nloyaltyd_http_slow_evictions_total "), NULL, 10) > 0);
	/* the timed one at least */
	assert_true(strtol(to + strlen("\nloyaltyd_http_slow_timeouts_total "), NULL, 10) >= 1);
	response_free(&r);
	assert_int_equal(server_stop(&s), 0);
}

/* Posts body (binary-safe, len bytes) as JSON to path; returns the status after checking
 * that an error is problem+json. */
static int post_json(const char *path, const char *body, size_t len)
{
	char head[512];
	int n = snprintf(head, sizeof(head),
	                 "POST %s HTTP/1.1\r\nHost: x\r\n%s\r\nContent-Type: application/json\r\n"
	                 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
	                 path, auth, len);
	char *req = malloc((size_t)n + len);
	memcpy(req, head, (size_t)n);
	memcpy(req + n, body, len);
	struct response r;
	int rc = http_raw(fx.srv.port, req, (size_t)n + len, &r);
	free(req);
	if (rc != 0)
		return -1;
	int status = r.status;
	if (status >= 400)
		assert_non_null(strstr(r.head, "application/problem+json"));
	response_free(&r);
	return status;
}

static void hostile_json_is_400_or_422_never_a_crash(void **state)
{
	(void)state;
	static const struct {
		const char *body;
		size_t len; /* 0: strlen */
		int status;
	} cases[] = {
	    {"{\"customer_id\":\"a\",\"customer_id\":\"b\",\"type\":\"visit\"}", 0, 400},
	    {"{\"customer_id\":\"a\0b\",\"type\":\"visit\",\"occurred_at\":\"2026-01-01T00:00:"
	     "00Z\"}",
	     73, 400},
	    {"{\"customer_id\":\"a\\u0000b\",\"type\":\"visit\",\"occurred_at\":"
	     "\"2026-01-01T00:00:00Z\"}",
	     0, 400},
	    {"{\"customer_id\":\"\xff\xfe\",\"type\":\"visit\",\"occurred_at\":\"2026-01-01T00:00:"
	     "00Z\"}",
	     0, 400},
	    {"{\"customer_id\":\"\xc0\xaf\",\"type\":\"visit\",\"occurred_at\":\"2026-01-01T00:00:"
	     "00Z\"}",
	     0, 400},
	    {"{\"customer_id\":\"\\ud800\",\"type\":\"visit\",\"occurred_at\":\"2026-01-01T00:00:"
	     "00Z\"}",
	     0, 400},
	    {"{\"customer_id\":\"\\udc00x\",\"type\":\"visit\"}", 0, 400},
	    {"{\"customer_id\":\"a\",\"type\":\"order\",\"occurred_at\":\"2026-01-01T00:00:00Z\","
	     "\"amount\":1e400,\"currency\":\"EUR\"}",
	     0, 400},
	    {"{\"customer_id\":\"a\",\"type\":\"order\",\"occurred_at\":\"2026-01-01T00:00:00Z\","
	     "\"amount\":123456789012345678901234567890,\"currency\":\"EUR\"}",
	     0, 400},
	    {"{\"customer_id\":\"a\",\"type\":\"order\",\"occurred_at\":\"2026-01-01T00:00:00Z\","
	     "\"amount\":1e15,\"currency\":\"EUR\"}",
	     0, 422},
	    {"{\"customer_id\":5,\"type\":[],\"occurred_at\":{},\"amount\":true}", 0, 422},
	    {"{\"events\":\"all of them\"}", 0, 422},
	    {"[]", 0, 422},
	    {"\"just a string\"", 0, 400},
	    {"", 0, 400},
	    {"{", 0, 400},
	    {"{\"a\":1}garbage", 0, 400},
	};
	long before = events_stored();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].body);
		int status = post_json("/v1/events", cases[i].body, len);
		if (status != cases[i].status)
			fail_msg("case %zu: %d, expected %d", i, status, cases[i].status);
	}
	/* 100,000 levels of nesting, and 33 (one past loyaltyd's cap of 32) */
	size_t depth = 100000;
	char *deep = malloc(2 * depth + 1);
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	assert_int_equal(post_json("/v1/events", deep, 2 * depth), 400);
	/* a survey takes at most 64 KiB (HTTP_BODY_MAX): that much nesting is 400, more 413 */
	assert_int_equal(post_json("/v1/surveys", deep + depth - 20000, 40000), 400);
	assert_int_equal(post_json("/v1/surveys", deep, 2 * depth), 413);
	char nested[256] = "{\"customer_id\":\"a\",\"type\":\"visit\",\"occurred_at\":"
	                   "\"2026-01-01T00:00:00Z\",\"properties\":";
	size_t n = strlen(nested);
	for (int i = 0; i < 32; i++)
		nested[n++] = '[';
	for (int i = 0; i < 32; i++)
		nested[n++] = ']';
	nested[n++] = '}';
	assert_int_equal(post_json("/v1/events", nested, n), 400);
	free(deep);
	/* the same bad bytes on other routes */
	assert_int_equal(post_json("/v1/customers/x/points/earn", "{\"points\":1e400}", 16), 400);
	assert_int_equal(
	    post_json("/v1/customers/x/points/earn", "{\"points\":99999999999999999999999}", 33),
	    400);
	assert_int_equal(post_json("/v1/surveys", "{\"name\":\"\\ud83d\"}", 17), 400);
	assert_int_equal(events_stored(), before);
	/* still whole */
	assert_int_equal(post_json("/v1/events", EVENT, strlen(EVENT)), 200);
	assert_int_equal(events_stored(), before + 1);
}

static int setup(void **state)
{
	fixture_setup(state, &fx, NULL, "Hostile");
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", fx.key);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ambiguous_framing_is_400_and_stores_nothing),
	    cmocka_unit_test(huge_headers_are_431),
	    cmocka_unit_test(slow_body_loses_its_connection_at_the_body_deadline),
	    cmocka_unit_test(per_address_connection_limit),
	    cmocka_unit_test(slowloris_and_slow_bodies_do_not_starve_healthz),
	    cmocka_unit_test(slow_heads_from_many_addresses_do_not_take_the_service),
	    cmocka_unit_test(hostile_json_is_400_or_422_never_a_crash),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
