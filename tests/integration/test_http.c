/* test_http.c - the HTTP core against the real server: request ids, keep-alive, 404/405,
 * HEAD/OPTIONS, CORS, body limits (declared and chunked), 415, malformed JSON, metrics,
 * unknown query parameters, the served spec, the access log and graceful shutdown. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static struct fixture fx;
static char auth_header[96];

static int setup(void **state)
{
	static const char *const env[] = {"LOYALTYD_MAX_BODY_BYTES=4096",
	                                  "LOYALTYD_CORS_ORIGINS=https://shop.example", NULL};
	fixture_setup(state, &fx, env, "HTTP tests");
	snprintf(auth_header, sizeof(auth_header), "Authorization: Bearer %s", fx.key);
	return 0;
}

static void assert_problem(const struct response *r, int status, const char *type)
{
	assert_int_equal(r->status, status);
	assert_string_equal(response_header(r, "Content-Type"), "application/problem+json");
	json_t *j = response_json(r);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "type")), type);
	assert_int_equal(json_integer_value(json_object_get(j, "status")), status);
	assert_non_null(json_string_value(json_object_get(j, "title")));
	assert_non_null(json_string_value(json_object_get(j, "detail")));
	json_decref(j);
}

static void healthz_answers_with_a_request_id(void **state)
{
	struct response r;
	(void)state;
	assert_int_equal(http(fx.srv.port, "GET", "/healthz", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"status\":\"ok\"}");
	const char *id = response_header(&r, "X-Request-Id");
	assert_non_null(id);
	assert_int_equal(strlen(id), 24);
	assert_int_equal(strspn(id, "0123456789abcdef"), 24);
	response_free(&r);
}

static void request_id_is_echoed_only_when_safe(void **state)
{
	struct response r;
	const char *good[] = {"X-Request-Id: abc-123_x.y:z", NULL};
	const char *bad[] = {"X-Request-Id: has space\"quote", NULL};
	(void)state;
	assert_int_equal(http(fx.srv.port, "GET", "/healthz", good, NULL, &r), 0);
	assert_string_equal(response_header(&r, "X-Request-Id"), "abc-123_x.y:z");
	response_free(&r);
	assert_int_equal(http(fx.srv.port, "GET", "/healthz", bad, NULL, &r), 0);
	assert_int_equal(strlen(response_header(&r, "X-Request-Id")), 24);
	response_free(&r);
}

static void two_requests_share_one_connection(void **state)
{
	static const char req[] = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
	struct response r1, r2;
	(void)state;
	int fd = conn_open(fx.srv.port);
	assert_true(fd >= 0);
	assert_int_equal(conn_send(fd, req, sizeof(req) - 1), 0);
	assert_int_equal(conn_read_response(fd, &r1), 0);
	assert_int_equal(r1.status, 200);
	assert_null(response_header(&r1, "Connection"));
	assert_int_equal(conn_send(fd, req, sizeof(req) - 1), 0);
	assert_int_equal(conn_read_response(fd, &r2), 0);
	assert_int_equal(r2.status, 200);
	char id1[64];
	snprintf(id1, sizeof(id1), "%s", response_header(&r1, "X-Request-Id"));
	assert_string_not_equal(id1, response_header(&r2, "X-Request-Id"));
	response_free(&r1);
	response_free(&r2);
	close(fd);
}

static void unknown_path_is_404_problem(void **state)
{
	struct response r;
	(void)state;
	assert_int_equal(http(fx.srv.port, "GET", "/v1/nothing-here", NULL, NULL, &r), 0);
	assert_problem(&r, 404, "urn:loyaltyd:problem:not-found");
	response_free(&r);
}

static void wrong_method_is_405_with_allow(void **state)
{
	struct response r;
	(void)state;
	assert_int_equal(http(fx.srv.port, "PUT", "/v1/keys", NULL, "{}", &r), 0);
	assert_problem(&r, 405, "urn:loyaltyd:problem:method-not-allowed");
	assert_string_equal(response_header(&r, "Allow"), "POST, GET, HEAD, OPTIONS");
	response_free(&r);
	assert_int_equal(http(fx.srv.port, "POST", "/healthz", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 405);
	assert_string_equal(response_header(&r, "Allow"), "GET, HEAD, OPTIONS");
	response_free(&r);
}

static void head_has_headers_and_no_body(void **state)
{
	struct response r;
	(void)state;
	int fd = conn_open(fx.srv.port);
	static const char req[] = "HEAD /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
	assert_int_equal(conn_send(fd, req, sizeof(req) - 1), 0);
	/* read the head only: a HEAD reply has Content-Length but no body */
	char buf[1024];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "HTTP/1.1 200"));
	assert_non_null(strstr(buf, "Content-Length: 15\r\n"));
	assert_string_equal(strstr(buf, "\r\n\r\n"), "\r\n\r\n");
	(void)r;
}

static void options_lists_allowed_methods(void **state)
{
	struct response r;
	(void)state;
	assert_int_equal(http(fx.srv.port, "OPTIONS", "/v1/keys/123", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 204);
	assert_string_equal(response_header(&r, "Allow"), "DELETE, OPTIONS");
	assert_null(response_header(&r, "Access-Control-Allow-Origin"));
	response_free(&r);
}

static void cors_preflight_from_allowed_origin(void **state)
{
	struct response r;
	const char *h[] = {"Origin: https://shop.example", "Access-Control-Request-Method: POST",
	                   "Access-Control-Request-Headers: authorization, content-type", NULL};
	(void)state;
	assert_int_equal(http(fx.srv.port, "OPTIONS", "/v1/keys", h, NULL, &r), 0);
	assert_int_equal(r.status, 204);
	assert_string_equal(response_header(&r, "Access-Control-Allow-Origin"),
	                    "https://shop.example");
	assert_string_equal(response_header(&r, "Access-Control-Allow-Methods"),
	                    "POST, GET, HEAD, OPTIONS");
	assert_string_equal(response_header(&r, "Access-Control-Allow-Headers"),
	                    "Authorization, Content-Type, Idempotency-Key, X-Request-Id");
	assert_string_equal(response_header(&r, "Access-Control-Max-Age"), "600");
	assert_string_equal(response_header(&r, "Vary"), "Origin");
	response_free(&r);
}

static void cors_refuses_other_origins(void **state)
{
	struct response r;
	const char *h[] = {"Origin: https://evil.example", "Access-Control-Request-Method: POST",
	                   NULL};
	(void)state;
	assert_int_equal(http(fx.srv.port, "OPTIONS", "/v1/keys", h, NULL, &r), 0);
	assert_int_equal(r.status, 204);
	assert_null(response_header(&r, "Access-Control-Allow-Origin"));
	assert_null(response_header(&r, "Access-Control-Allow-Methods"));
	response_free(&r);
}

static void cors_headers_on_actual_request(void **state)
{
	struct response r;
	const char *h[] = {"Origin: https://shop.example", NULL};
	(void)state;
	assert_int_equal(http(fx.srv.port, "GET", "/healthz", h, NULL, &r), 0);
	assert_string_equal(response_header(&r, "Access-Control-Allow-Origin"),
	                    "https://shop.example");
	assert_string_equal(response_header(&r, "Access-Control-Expose-Headers"),
	                    "X-Request-Id, Retry-After, Location");
	response_free(&r);
}

static void declared_body_over_limit_is_413_before_reading(void **state)
{
	struct response r;
	char req[512];
	(void)state;
	/* the body is never sent: the answer must come from the headers alone */
	int n = snprintf(req, sizeof(req),
	                 "POST /v1/keys HTTP/1.1\r\nHost: t\r\n%s\r\n"
	                 "Content-Type: application/json\r\nContent-Length: 4097\r\n\r\n",
	                 auth_header);
	assert_int_equal(http_raw(fx.srv.port, req, (size_t)n, &r), 0);
	assert_problem(&r, 413, "urn:loyaltyd:problem:body-too-large");
	json_t *j = response_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "detail")),
	                    "the request body is larger than 4096 bytes");
	json_decref(j);
	response_free(&r);
}

static void chunked_body_growing_over_limit_is_413(void **state)
{
	struct response r;
	char head[512], chunk[1100];
	(void)state;
	int fd = conn_open(fx.srv.port);
	int n = snprintf(head, sizeof(head),
	                 "POST /v1/keys HTTP/1.1\r\nHost: t\r\n%s\r\n"
	                 "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
	                 auth_header);
	assert_int_equal(conn_send(fd, head, (size_t)n), 0);
	/* seven chunks of 1000 bytes, sent one by one: 7000 > 4096, and the ones after the
	 * limit are read and dropped (up to twice the limit) so that 413 can be answered */
	memcpy(chunk, "3e8\r\n", 5);
	memset(chunk + 5, ' ', 1000);
	memcpy(chunk + 1005, "\r\n", 2);
	for (int i = 0; i < 7; i++) {
		assert_int_equal(conn_send(fd, chunk, 1007), 0);
		usleep(20000);
	}
	assert_int_equal(conn_send(fd, "0\r\n\r\n", 5), 0);
	assert_int_equal(conn_read_response(fd, &r), 0);
	close(fd);
	assert_problem(&r, 413, "urn:loyaltyd:problem:body-too-large");
	response_free(&r);
}

static void endless_chunked_body_is_cut_off(void **state)
{
	char head[512], chunk[1100], buf[256];
	(void)state;
	int fd = conn_open(fx.srv.port);
	int n = snprintf(head, sizeof(head),
	                 "POST /v1/keys HTTP/1.1\r\nHost: t\r\n%s\r\n"
	                 "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
	                 auth_header);
	assert_int_equal(conn_send(fd, head, (size_t)n), 0);
	memcpy(chunk, "3e8\r\n", 5);
	memset(chunk + 5, ' ', 1000);
	memcpy(chunk + 1005, "\r\n", 2);
	/* past twice the limit the server stops reading: the connection is closed, and a
	 * client that goes on sending sees its writes fail or gets EOF */
	int sent = 0;
	for (int i = 0; i < 64 && conn_send(fd, chunk, 1007) == 0; i++) {
		sent++;
		usleep(5000);
	}
	/* closed means EOF or a reset; silence (a timeout) would mean it is still reading */
	struct timeval tv = {.tv_sec = 3};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ssize_t got = recv(fd, buf, sizeof(buf), 0);
	int err = errno;
	close(fd);
	if (sent == 64 && !(got == 0 || (got < 0 && (err == ECONNRESET || err == EPIPE))))
		fail_msg("the server kept the connection: recv %zd, %s", got, strerror(err));
	/* the server is fine afterwards */
	struct response r;
	assert_int_equal(http(fx.srv.port, "GET", "/healthz", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	response_free(&r);
}

static void body_at_the_limit_is_accepted(void **state)
{
	struct response r;
	char body[4097];
	(void)state;
	/* a valid key creation padded with spaces to exactly 4096 bytes */
	const char *json = "{\"name\":\"padded\",\"scopes\":[\"read\"]}";
	size_t jl = strlen(json);
	memcpy(body, json, jl);
	memset(body + jl, ' ', 4096 - jl);
	body[4096] = '\0';
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/keys", body, NULL, &r), 0);
	assert_int_equal(r.status, 201);
	response_free(&r);
}

static void non_json_body_is_415(void **state)
{
	struct response r;
	const char *h[] = {"Content-Type: text/plain", NULL};
	const char *none[] = {auth_header, NULL}; /* a body without Content-Type */
	(void)state;
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/keys", "name=x", h, &r), 0);
	assert_problem(&r, 415, "urn:loyaltyd:problem:unsupported-media-type");
	response_free(&r);
	assert_int_equal(http(fx.srv.port, "POST", "/v1/keys", none, "{}", &r), 0);
	assert_int_equal(r.status, 415);
	response_free(&r);
}

static void malformed_json_is_400(void **state)
{
	struct response r;
	const char *h[] = {"Content-Type: application/json; charset=utf-8", NULL};
	(void)state;
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/keys", "{\"name\": ", h, &r), 0);
	assert_problem(&r, 400, "urn:loyaltyd:problem:malformed-json");
	response_free(&r);
	/* duplicate keys have no single meaning */
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/keys",
	                         "{\"name\":\"a\",\"name\":\"b\"}", h, &r),
	                 0);
	assert_problem(&r, 400, "urn:loyaltyd:problem:malformed-json");
	response_free(&r);
	/* nesting deeper than 32 */
	char deep[81];
	memset(deep, '[', 40);
	memset(deep + 40, ']', 40);
	deep[80] = '\0';
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/keys", deep, h, &r), 0);
	assert_problem(&r, 400, "urn:loyaltyd:problem:malformed-json");
	response_free(&r);
}

static long metric_value(const char *text, const char *series)
{
	const char *p = strstr(text, series);
	if (!p)
		return 0;
	return strtol(p + strlen(series), NULL, 10);
}

static void metrics_count_requests_by_route_and_status(void **state)
{
	struct response r;
	static const char series[] =
	    "loyaltyd_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} ";
	(void)state;
	assert_int_equal(http(fx.srv.port, "GET", "/metrics", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(response_header(&r, "Content-Type"),
	                    "text/plain; version=0.0.4; charset=utf-8");
	long before = metric_value(r.body, series);
	response_free(&r);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(http(fx.srv.port, "GET", "/healthz", NULL, NULL, &r), 0);
		response_free(&r);
	}
	/* A request is counted when libmicrohttpd reports it complete, which may come just
	 * after its client has the answer: wait a little for the count, then it must be exact. */
	for (int tries = 0;; tries++) {
		assert_int_equal(http(fx.srv.port, "GET", "/metrics", NULL, NULL, &r), 0);
		if (metric_value(r.body, series) >= before + 3 || tries == 40)
			break;
		response_free(&r);
		usleep(25000);
	}
	assert_int_equal(metric_value(r.body, series), before + 3);

	assert_non_null(strstr(r.body, "# TYPE loyaltyd_http_request_duration_seconds histogram"));
	assert_non_null(strstr(r.body,
	                       "loyaltyd_http_request_duration_seconds_bucket{method=\"GET\","
	                       "route=\"/healthz\",le=\"+Inf\"}"));
	assert_non_null(strstr(r.body, "loyaltyd_db_pool_size 4\n"));
	assert_non_null(strstr(r.body, "loyaltyd_db_pool_in_use 0\n"));
	assert_non_null(strstr(r.body, "loyaltyd_db_pool_waiting 0\n"));
	assert_non_null(strstr(r.body, "route=\"unmatched\",status=\"404\"} "));
	response_free(&r);
}

static const char *const unknown_message = "is not a parameter of this operation";

/* GET path with the admin key; the answer must be the 400 naming params with detail. */
static void expect_unknown(const char *method, const char *path, const char *detail,
                           const char *const *params)
{
	struct response r;
	assert_int_equal(call_as(fx.srv.port, fx.key, method, path, NULL, NULL, &r), 0);
	if (!response_bad_parameters(&r, detail, params, unknown_message))
		fail_msg("%s %s", method, path);
	response_free(&r);
}

/* A typo (?frm= for ?from=) used to give the default period silently; like Stripe, every
 * route refuses a parameter it does not take, naming each, after authentication. */
static void unknown_query_parameters_are_400_naming_them(void **state)
{
	struct response r;
	(void)state;
	expect_unknown("GET", "/v1/reports/points?frm=2026-01-01",
	               "unknown query parameter: frm (this operation takes from, to, tz)",
	               (const char *const[]){"frm", NULL});
	/* every one named once, the known ones not */
	expect_unknown("GET", "/v1/reports/points?from=2026-01-01&frm=2026-01-01&x=1&x=2&tz=UTC",
	               "unknown query parameters: frm, x (this operation takes from, to, tz)",
	               (const char *const[]){"frm", "x", NULL});
	/* routes that take none, static files included (web/ uses no cache-busting ?v=) */
	expect_unknown("GET", "/healthz?verbose=1",
	               "unknown query parameter: verbose (this operation takes none)",
	               (const char *const[]){"verbose", NULL});
	/* (the web files ignore them instead: cache-busters, test_static) */
	expect_unknown("GET", "/v1/customers/someone?expand=events",
	               "unknown query parameter: expand (this operation takes none)",
	               (const char *const[]){"expand", NULL});
	/* a name is matched as sent, and quoted back as sent */
	expect_unknown("GET", "/v1/keys?%6cimit=1",
	               "unknown query parameter: %6cimit (this operation takes limit, cursor)",
	               (const char *const[]){"%6cimit", NULL});
	/* past eight names, the rest are counted */
	expect_unknown("GET", "/v1/keys?a=1&b&c=&d=1&e=1&f=1&g=1&h=1&i=1&j=1",
	               "unknown query parameters: a, b, c, d, e, f, g, h and 2 more (this "
	               "operation takes limit, cursor)",
	               (const char *const[]){"a", "b", "c", "d", "e", "f", "g", "h", NULL});
	/* on a write too, before anything is done */
	expect_unknown("DELETE", "/v1/keys/00000000-0000-0000-0000-000000000000?force=true",
	               "unknown query parameter: force (this operation takes none)",
	               (const char *const[]){"force", NULL});
	/* stray '&' name nothing */
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET", "/v1/keys?&limit=1&", NULL, NULL, &r),
	                 0);
	assert_int_equal(r.status, 200);
	response_free(&r);
	/* authentication comes first: no key, 401 */
	assert_int_equal(http(fx.srv.port, "GET", "/v1/keys?frm=1", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	response_free(&r);
	/* OPTIONS answers as before (a preflight carries the query of the request to come) */
	assert_int_equal(http(fx.srv.port, "OPTIONS", "/v1/keys?frm=1", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 204);
	response_free(&r);
	/* HEAD runs the GET route's check: 400 and no body; with known parameters, 200 */
	static const char *const heads[][2] = {{"/healthz?frm=1", "HTTP/1.1 400"},
	                                       {"/v1/keys?limit=1", "HTTP/1.1 200"}};
	for (size_t i = 0; i < 2; i++) {
		int fd = conn_open(fx.srv.port);
		char req[256], buf[2048];
		snprintf(req, sizeof(req), "HEAD %s HTTP/1.1\r\nHost: t\r\n%s\r\n\r\n", heads[i][0],
		         auth_header);
		assert_int_equal(conn_send(fd, req, strlen(req)), 0);
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		assert_true(n > 0);
		buf[n] = '\0';
		assert_non_null(strstr(buf, heads[i][1]));
		assert_string_equal(strstr(buf, "\r\n\r\n"), "\r\n\r\n");
	}
}

static void served_spec_is_the_repository_file(void **state)
{
	struct response r;
	(void)state;
	const char *path = getenv("LOYALTYD_TEST_OPENAPI");
	assert_non_null(path);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *want = malloc((size_t)len + 1);
	assert_int_equal(fread(want, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	assert_int_equal(http(fx.srv.port, "GET", "/openapi.yaml", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(response_header(&r, "Content-Type"), "application/yaml");
	assert_int_equal(r.body_len, (size_t)len);
	assert_memory_equal(r.body, want, (size_t)len);
	free(want);
	response_free(&r);
}

static void readyz_reports_schema_version(void **state)
{
	struct response r;
	(void)state;
	assert_int_equal(http(fx.srv.port, "GET", "/readyz", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	json_t *j = response_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "ready");
	assert_true(json_integer_value(json_object_get(j, "schema_version")) >= 1);
	json_decref(j);
	response_free(&r);
}

/* Runs last: stops the shared server with a request still arriving, and reads the log. */
static void graceful_shutdown_finishes_in_flight_request(void **state)
{
	struct response r;
	char head[512];
	(void)state;
	int fd = conn_open(fx.srv.port);
	const char *body = "{\"name\":\"late\",\"scopes\":[\"read\"]}";
	int n = snprintf(head, sizeof(head),
	                 "POST /v1/keys HTTP/1.1\r\nHost: t\r\n%s\r\nX-Request-Id: in-flight-1\r\n"
	                 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
	                 auth_header, strlen(body));
	assert_int_equal(conn_send(fd, head, (size_t)n), 0);
	assert_int_equal(conn_send(fd, body, 10), 0);
	usleep(200000); /* the request is now in flight */
	kill(fx.srv.pid, SIGTERM);
	usleep(300000);
	/* new connections are refused while the old request finishes */
	assert_true(conn_open(fx.srv.port) < 0);
	assert_int_equal(conn_send(fd, body + 10, strlen(body) - 10), 0);
	assert_int_equal(conn_read_response(fd, &r), 0);
	close(fd);
	assert_int_equal(r.status, 201);
	response_free(&r);
	int status;
	assert_int_equal(waitpid(fx.srv.pid, &status, 0), fx.srv.pid);
	server_forget(&fx.srv);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	/* one JSON access-log line per request, with the fields operators filter on */
	FILE *f = fopen(fx.srv.log_path, "r");
	char line[4096];
	int found = 0;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		json_t *j = json_loads(line, 0, NULL);
		const char *rid = json_string_value(json_object_get(j, "request_id"));
		if (rid && strcmp(rid, "in-flight-1") == 0) {
			found = 1;
			assert_string_equal(json_string_value(json_object_get(j, "msg")),
			                    "request");
			assert_string_equal(json_string_value(json_object_get(j, "method")),
			                    "POST");
			assert_string_equal(json_string_value(json_object_get(j, "route")),
			                    "/v1/keys");
			assert_int_equal(json_integer_value(json_object_get(j, "status")), 201);
			assert_string_equal(json_string_value(json_object_get(j, "tenant")),
			                    fx.tenant);
			assert_true(json_is_real(json_object_get(j, "duration_ms")));
		}
		json_decref(j);
	}
	fclose(f);
	assert_true(found);
}

/* Two Authorization headers have no one meaning: 400, whichever is valid. */
static void two_authorization_headers_are_400(void **state)
{
	struct response r;
	(void)state;
	const char *h[] = {auth_header, auth_header, NULL};
	assert_int_equal(http(fx.srv.port, "GET", "/v1/keys", h, NULL, &r), 0);
	assert_problem(&r, 400, "urn:loyaltyd:problem:invalid-header");
	assert_true(response_json_equal(&r,
	                                "{\"type\":\"urn:loyaltyd:problem:invalid-header\","
	                                "\"title\":\"Bad Request\",\"status\":400,\"detail\":\"the "
	                                "request has more than one Authorization header\"}",
	                                NULL));
	response_free(&r);
	const char *h2[] = {auth_header, "Authorization: Bearer lk_wrong", NULL};
	assert_int_equal(http(fx.srv.port, "GET", "/v1/keys", h2, NULL, &r), 0);
	assert_problem(&r, 400, "urn:loyaltyd:problem:invalid-header");
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET", "/v1/keys", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	response_free(&r);
}

/* With CORS on, every answer varies by Origin: without one, with another, with the
 * allowed one, and errors too, so that no cache serves one origin's answer to another. */
static void vary_origin_on_every_answer_when_cors_is_on(void **state)
{
	struct response r;
	(void)state;
	const char *none[] = {NULL};
	const char *other[] = {"Origin: https://evil.example", NULL};
	const char *shop[] = {"Origin: https://shop.example", NULL};
	const char *const *cases[] = {none, other, shop};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(http(fx.srv.port, "GET", "/healthz", cases[i], NULL, &r), 0);
		assert_int_equal(r.status, 200);
		assert_string_equal(response_header(&r, "Vary"), "Origin");
		response_free(&r);
		assert_int_equal(http(fx.srv.port, "GET", "/nowhere", cases[i], NULL, &r), 0);
		assert_int_equal(r.status, 404);
		assert_string_equal(response_header(&r, "Vary"), "Origin");
		response_free(&r);
	}
	assert_int_equal(http(fx.srv.port, "GET", "/healthz", other, NULL, &r), 0);
	assert_null(response_header(&r, "Access-Control-Allow-Origin"));
	response_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(healthz_answers_with_a_request_id),
	    cmocka_unit_test(two_authorization_headers_are_400),
	    cmocka_unit_test(vary_origin_on_every_answer_when_cors_is_on),
	    cmocka_unit_test(request_id_is_echoed_only_when_safe),
	    cmocka_unit_test(two_requests_share_one_connection),
	    cmocka_unit_test(unknown_path_is_404_problem),
	    cmocka_unit_test(wrong_method_is_405_with_allow),
	    cmocka_unit_test(head_has_headers_and_no_body),
	    cmocka_unit_test(options_lists_allowed_methods),
	    cmocka_unit_test(cors_preflight_from_allowed_origin),
	    cmocka_unit_test(cors_refuses_other_origins),
	    cmocka_unit_test(cors_headers_on_actual_request),
	    cmocka_unit_test(declared_body_over_limit_is_413_before_reading),
	    cmocka_unit_test(chunked_body_growing_over_limit_is_413),
	    cmocka_unit_test(endless_chunked_body_is_cut_off),
	    cmocka_unit_test(body_at_the_limit_is_accepted),
	    cmocka_unit_test(non_json_body_is_415),
	    cmocka_unit_test(malformed_json_is_400),
	    cmocka_unit_test(metrics_count_requests_by_route_and_status),
	    cmocka_unit_test(unknown_query_parameters_are_400_naming_them),
	    cmocka_unit_test(served_spec_is_the_repository_file),
	    cmocka_unit_test(readyz_reports_schema_version),
	    cmocka_unit_test(graceful_shutdown_finishes_in_flight_request),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
