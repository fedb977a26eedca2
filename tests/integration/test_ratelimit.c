/* test_ratelimit.c - the per-key token bucket (429 with Retry-After past the burst, other
 * keys untouched, refilled at the rate; a public respond key's bucket per client address)
 * and the limit on failed authentications per client
 * address (bad keys and bad webhook signatures alike; then even a good key from that
 * address is refused, while other addresses and unauthenticated routes are not). Behind a
 * trusted proxy (LOYALTYD_TRUSTED_PROXIES) the client address is the one its
 * X-Forwarded-For or Forwarded names; anybody else's forwarding headers are ignored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

/* GET or POST path from the local address source with the bearer token (NULL: none);
 * returns the status and, when wanted, copies Retry-After into retry_after. */
static int request_from(int port, const char *source, const char *method, const char *path,
                        const char *token, const char *extra, char *retry_after)
{
	char req[1024];
	struct response r;
	int n = snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n",
	                 method, path);
	if (token)
		n += snprintf(req + n, sizeof(req) - (size_t)n, "Authorization: Bearer %s\r\n",
		              token);
	n += snprintf(req + n, sizeof(req) - (size_t)n, "%s\r\n", extra ? extra : "");
	int fd = conn_open_from(port, source);
	if (fd < 0 || conn_send(fd, req, (size_t)n) != 0 || conn_read_response(fd, &r) != 0)
		fail_msg("no answer from %s %s", method, path);
	close(fd);
	int status = r.status;
	if (status == 429) {
		assert_non_null(strstr(r.head, "application/problem+json"));
		assert_non_null(strstr(r.body, "urn:loyaltyd:problem:rate-limited"));
	}
	if (retry_after) {
		const char *v = response_header(&r, "Retry-After");
		snprintf(retry_after, 16, "%s", v ? v : "");
	}
	response_free(&r);
	return status;
}

static void per_key_bucket(void **state)
{
	(void)state;
	struct server s;
	char tenant[37], key[64], other[64], other_id[37], retry[16];
	const char *env[] = {"LOYALTYD_RATE_LIMIT=2", "LOYALTYD_RATE_BURST=5", NULL};
	server_start(&s, env);
	create_tenant(s.port, "Limited", tenant, key);
	/* creating the second key took one of the first key's five */
	create_key(s.port, key, "[\"read\"]", other, other_id);
	for (int i = 0; i < 4; i++)
		assert_int_equal(
		    request_from(s.port, NULL, "GET", "/v1/customers", key, NULL, NULL), 200);
	assert_int_equal(request_from(s.port, NULL, "GET", "/v1/customers", key, NULL, retry), 429);
	assert_string_equal(retry, "1");
	/* another key has its own bucket */
	assert_int_equal(request_from(s.port, NULL, "GET", "/v1/customers", other, NULL, NULL),
	                 200);
	/* two tokens a second */
	usleep(1100000);
	assert_int_equal(request_from(s.port, NULL, "GET", "/v1/customers", key, NULL, NULL), 200);
	assert_int_equal(request_from(s.port, NULL, "GET", "/v1/customers", key, NULL, NULL), 200);
	assert_int_equal(request_from(s.port, NULL, "GET", "/v1/customers", key, NULL, NULL), 429);
	/* unauthenticated routes are not limited */
	for (int i = 0; i < 20; i++)
		assert_int_equal(request_from(s.port, NULL, "GET", "/healthz", NULL, NULL, NULL),
		                 200);
	assert_int_equal(server_stop(&s), 0);
}

/* POSTs a survey answer with key from the local address source, with the extra header
 * lines (each ending in CRLF; NULL: none); returns the status. */
static int answer_from(int port, const char *source, const char *path, const char *key,
                       const char *extra)
{
	char req[1024];
	struct response r;
	const char *body = "{\"score\":9}";
	int n = snprintf(req, sizeof(req),
	                 "POST %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	                 "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
	                 "%sContent-Length: %zu\r\n\r\n%s",
	                 path, key, extra ? extra : "", strlen(body), body);
	int fd = conn_open_from(port, source);
	if (fd < 0 || conn_send(fd, req, (size_t)n) != 0 || conn_read_response(fd, &r) != 0)
		fail_msg("no answer from POST %s", path);
	close(fd);
	int status = r.status;
	response_free(&r);
	return status;
}

/* A key with only the respond scope sits in public pages: each client address has its own
 * bucket of it, so one visitor cannot use up the widget for the others; any other key's
 * bucket is shared by every address. */
static void public_keys_per_address(void **state)
{
	(void)state;
	struct server s;
	char tenant[37], admin[64], respond[64], read[64], id[37], path[128];
	const char *env[] = {"LOYALTYD_RATE_LIMIT=1", "LOYALTYD_RATE_BURST=3", NULL};
	server_start(&s, env);
	create_tenant(s.port, "Widget shop", tenant, admin);
	create_key(s.port, admin, "[\"respond\"]", respond, id);
	create_key(s.port, admin, "[\"read\"]", read, id);
	create_nps_survey(s.port, admin, path);
	for (int i = 0; i < 3; i++)
		assert_int_equal(answer_from(s.port, "127.0.0.1", path, respond, NULL), 201);
	assert_int_equal(answer_from(s.port, "127.0.0.1", path, respond, NULL), 429);
	/* another visitor answers */
	assert_int_equal(answer_from(s.port, "127.0.0.2", path, respond, NULL), 201);
	/* a read key's bucket is the key's, from wherever it is used */
	for (int i = 0; i < 3; i++)
		assert_int_equal(
		    request_from(s.port, "127.0.0.1", "GET", "/v1/customers", read, NULL, NULL),
		    200);
	assert_int_equal(
	    request_from(s.port, "127.0.0.2", "GET", "/v1/customers", read, NULL, NULL), 429);
	assert_int_equal(
	    db_long("SELECT count(*) FROM survey_responses WHERE tenant_id = $1", tenant), 4);
	assert_int_equal(server_stop(&s), 0);
}

static void failed_authentication_per_address(void **state)
{
	(void)state;
	struct server s;
	char tenant[37], key[64], retry[16];
	const char *env[] = {"LOYALTYD_AUTH_FAILURES_PER_MINUTE=3", NULL};
	server_start(&s, env);
	create_tenant(s.port, "Guarded", tenant, key);
	const char *bad = "lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	for (int i = 0; i < 3; i++)
		assert_int_equal(
		    request_from(s.port, "127.0.0.1", "GET", "/v1/customers", bad, NULL, NULL),
		    401);
	/* the address is out of tries: even the right key waits (a try every 20 s) */
	assert_int_equal(
	    request_from(s.port, "127.0.0.1", "GET", "/v1/customers", key, NULL, retry), 429);
	assert_true(atoi(retry) >= 19 && atoi(retry) <= 21);
	assert_int_equal(request_from(s.port, "127.0.0.1", "GET", "/healthz", NULL, NULL, NULL),
	                 200);
	/* another address is not affected */
	assert_int_equal(request_from(s.port, "127.0.0.2", "GET", "/v1/customers", key, NULL, NULL),
	                 200);
	/* a wrong admin token and wrong webhook signatures count as well */
	char path[96];
	snprintf(path, sizeof(path), "/v1/webhooks/shopify/%s", tenant);
	assert_int_equal(request_from(s.port, "127.0.0.3", "POST", "/v1/admin/tenants", "wrong",
	                              "Content-Type: application/json\r\nContent-Length: 0\r\n",
	                              NULL),
	                 401);
	for (int i = 0; i < 2; i++)
		assert_int_equal(
		    request_from(
		        s.port, "127.0.0.3", "POST", path, NULL,
		        "Content-Type: application/json\r\nX-Shopify-Hmac-Sha256: "
		        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\nContent-Length: 0\r\n",
		        NULL),
		    401);
	assert_int_equal(request_from(s.port, "127.0.0.3", "POST", path, NULL,
	                              "Content-Type: application/json\r\nContent-Length: 0\r\n",
	                              NULL),
	                 429);
	assert_int_equal(server_stop(&s), 0);
}

#define BAD_KEY "lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define XFF(a) "X-Forwarded-For: " a "\r\n"

/* Behind a trusted proxy each client it forwards has its own failed-authentication limit;
 * a peer that is no trusted proxy is itself the client, whatever header it sends. */
static void failed_authentication_per_forwarded_client(void **state)
{
	(void)state;
	struct server s;
	char tenant[37], key[64], retry[16];
	const char *env[] = {"LOYALTYD_TRUSTED_PROXIES=127.0.0.1/32",
	                     "LOYALTYD_AUTH_FAILURES_PER_MINUTE=3", NULL};
	const char *proxy = "127.0.0.1", *direct = "127.0.0.2";
	server_start(&s, env);
	create_tenant(s.port, "Proxied", tenant, key);
	for (int i = 0; i < 3; i++)
		assert_int_equal(request_from(s.port, proxy, "GET", "/v1/customers", BAD_KEY,
		                              XFF("203.0.113.7"), NULL),
		                 401);
	/* that client is out of tries, even with the right key */
	assert_int_equal(
	    request_from(s.port, proxy, "GET", "/v1/customers", key, XFF("203.0.113.7"), retry),
	    429);
	assert_true(atoi(retry) >= 19 && atoi(retry) <= 21);
	/* another client through the same proxy is still answered */
	assert_int_equal(
	    request_from(s.port, proxy, "GET", "/v1/customers", BAD_KEY, XFF("203.0.113.8"), NULL),
	    401);
	assert_int_equal(
	    request_from(s.port, proxy, "GET", "/v1/customers", key, XFF("203.0.113.8"), NULL),
	    200);
	/* the proxy's own requests are not limited by its clients' failures */
	assert_int_equal(request_from(s.port, proxy, "GET", "/v1/customers", key, NULL, NULL), 200);
	/* the same client named by Forwarded, or to the right of what it claims itself */
	assert_int_equal(request_from(s.port, proxy, "GET", "/v1/customers", key,
	                              "Forwarded: for=203.0.113.7;proto=https\r\n", NULL),
	                 429);
	assert_int_equal(request_from(s.port, proxy, "GET", "/v1/customers", key,
	                              XFF("203.0.113.8, 203.0.113.7"), NULL),
	                 429);
	assert_int_equal(request_from(s.port, proxy, "GET", "/v1/customers", key,
	                              XFF("203.0.113.8") XFF("203.0.113.7"), NULL),
	                 429);
	/* an IPv6 client in Forwarded, quoted with its port, is a client of its own */
	for (int i = 0; i < 3; i++)
		assert_int_equal(request_from(s.port, proxy, "GET", "/v1/customers", BAD_KEY,
		                              "Forwarded: for=\"[2001:db8::1]:4711\"\r\n", NULL),
		                 401);
	assert_int_equal(request_from(s.port, proxy, "GET", "/v1/customers", key,
	                              "Forwarded: for=\"[2001:db8::1]:5000\"\r\n", NULL),
	                 429);
	assert_int_equal(
	    request_from(s.port, proxy, "GET", "/v1/customers", key, XFF("203.0.113.8"), NULL),
	    200);

	/* nobody else's forwarding headers are believed: 127.0.0.2's failures are its own */
	assert_int_equal(
	    request_from(s.port, direct, "GET", "/v1/customers", BAD_KEY, XFF("203.0.113.9"), NULL),
	    401);
	assert_int_equal(request_from(s.port, direct, "GET", "/v1/customers", BAD_KEY,
	                              XFF("203.0.113.10, 127.0.0.1"), NULL),
	                 401);
	assert_int_equal(request_from(s.port, direct, "GET", "/v1/customers", BAD_KEY,
	                              "Forwarded: for=203.0.113.11\r\n", NULL),
	                 401);
	assert_int_equal(
	    request_from(s.port, direct, "GET", "/v1/customers", key, XFF("203.0.113.12"), NULL),
	    429);
	assert_int_equal(request_from(s.port, direct, "GET", "/v1/customers", key, NULL, NULL),
	                 429);
	/* and counted against none of the addresses it named */
	assert_int_equal(
	    request_from(s.port, proxy, "GET", "/v1/customers", key, XFF("203.0.113.9"), NULL),
	    200);
	assert_int_equal(request_from(s.port, proxy, "GET", "/v1/customers", key,
	                              "Forwarded: for=203.0.113.11\r\n", NULL),
	                 200);
	/* from the proxy, a header whose nearest hop is no address, or a malformed Forwarded
	 * (which X-Forwarded-For does not make up for): the proxy itself is the client */
	assert_int_equal(request_from(s.port, proxy, "GET", "/v1/customers", key,
	                              XFF("203.0.113.7, garbage"), NULL),
	                 200);
	assert_int_equal(request_from(s.port, proxy, "GET", "/v1/customers", key,
	                              "Forwarded: for=2001:db8::1\r\n" XFF("203.0.113.7"), NULL),
	                 200);
	assert_int_equal(server_stop(&s), 0);
}

/* The respond key's bucket is per client: behind a trusted proxy, per forwarded client. */
static void public_keys_per_forwarded_client(void **state)
{
	(void)state;
	struct server s;
	char tenant[37], admin[64], respond[64], id[37], path[128];
	const char *env[] = {"LOYALTYD_TRUSTED_PROXIES=10.0.0.0/8, 127.0.0.1",
	                     "LOYALTYD_RATE_LIMIT=1", "LOYALTYD_RATE_BURST=3", NULL};
	server_start(&s, env);
	create_tenant(s.port, "Proxied widget shop", tenant, admin);
	create_key(s.port, admin, "[\"respond\"]", respond, id);
	create_nps_survey(s.port, admin, path);
	for (int i = 0; i < 3; i++)
		assert_int_equal(
		    answer_from(s.port, "127.0.0.1", path, respond, XFF("203.0.113.7")), 201);
	assert_int_equal(answer_from(s.port, "127.0.0.1", path, respond, XFF("203.0.113.7")), 429);
	/* another visitor through the same proxy, through two proxies */
	assert_int_equal(answer_from(s.port, "127.0.0.1", path, respond, XFF("203.0.113.8")), 201);
	assert_int_equal(
	    answer_from(s.port, "127.0.0.1", path, respond, XFF("203.0.113.9, 10.1.2.3")), 201);
	/* a visitor that is no proxy cannot claim to be many */
	assert_int_equal(answer_from(s.port, "127.0.0.2", path, respond, XFF("198.51.100.1")), 201);
	assert_int_equal(answer_from(s.port, "127.0.0.2", path, respond, XFF("198.51.100.2")), 201);
	assert_int_equal(answer_from(s.port, "127.0.0.2", path, respond, XFF("198.51.100.3")), 201);
	assert_int_equal(answer_from(s.port, "127.0.0.2", path, respond, XFF("198.51.100.4")), 429);
	assert_int_equal(
	    db_long("SELECT count(*) FROM survey_responses WHERE tenant_id = $1", tenant), 8);
	assert_int_equal(server_stop(&s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(per_key_bucket),
	    cmocka_unit_test(public_keys_per_address),
	    cmocka_unit_test(failed_authentication_per_address),
	    cmocka_unit_test(failed_authentication_per_forwarded_client),
	    cmocka_unit_test(public_keys_per_forwarded_client),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
