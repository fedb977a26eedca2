/* http.c - libmicrohttpd glue. */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netdb.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "auth.h"
#include "client_ip.h"
#include "conn_guard.h"
#include "idempotency.h"
#include "json_budget.h"
#include "log.h"
#include "metrics.h"
#include "problem.h"
#include "query.h"
#include "ratelimit.h"

#define QUERY_VALUE_MAX 1024

/* A request whose body took this much returns its memory when it ends (malloc_trim). */
#define HTTP_TRIM_AFTER_BYTES (256 * 1024)

static double elapsed_seconds(const struct timespec *since)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - since->tv_sec) + (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

void http_header_add(struct request *req, const char *name, const char *value)
{
	if (req->nheaders == REQUEST_MAX_HEADERS)
		return;
	snprintf(req->headers[req->nheaders].name, sizeof(req->headers[0].name), "%s", name);
	snprintf(req->headers[req->nheaders].value, sizeof(req->headers[0].value), "%s", value);
	req->nheaders++;
}

const char *http_request_header(struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

static void add_cors_headers(struct request *req, struct MHD_Response *resp)
{
	if (req->app->cfg.cors_origins[0] == '\0')
		return;
	/* every answer depends on Origin once CORS is on, also one without CORS headers (no
	 * or another Origin): a cache must not hand it to an allowed origin */
	MHD_add_response_header(resp, "Vary", "Origin");
	const char *origin = http_request_header(req, "Origin");
	if (!origin || !config_cors_allowed(&req->app->cfg, origin))
		return;
	MHD_add_response_header(resp, "Access-Control-Allow-Origin", origin);
	MHD_add_response_header(resp, "Access-Control-Expose-Headers",
	                        "X-Request-Id, Retry-After, Location");
}

static int queue(struct request *req, int status, struct MHD_Response *resp,
                 const char *content_type)
{
	if (!resp)
		return -1;
	if (req->status != 0) {
		/* A second reply is a bug in a handler; the first one stands. */
		log_msg(LOG_ERROR, "handler replied twice", req->path);
		MHD_destroy_response(resp);
		return -1;
	}
	if (content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	MHD_add_response_header(resp, "X-Request-Id", req->request_id);
	bool cache_set = false; /* answers are never cached unless the handler says otherwise */
	for (size_t i = 0; i < req->nheaders; i++) {
		MHD_add_response_header(resp, req->headers[i].name, req->headers[i].value);
		cache_set = cache_set || strcasecmp(req->headers[i].name, "Cache-Control") == 0;
	}
	if (!cache_set)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	add_cors_headers(req, resp);
	enum MHD_Result r = MHD_queue_response(req->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	if (r != MHD_YES)
		return -1;
	req->status = status;
	return 0;
}

int http_reply_owned(struct request *req, int status, const char *content_type, char *data,
                     size_t len)
{
	enum db_status st = idempotency_finish(req, status, content_type, data, len);
	if (st != DB_OK) {
		free(data); /* never a 2xx for work that did not commit */
		return problem_db(req, st);
	}
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(data);
		return -1;
	}
	return queue(req, status, resp, content_type);
}

int http_reply_static(struct request *req, int status, const char *content_type, const char *data,
                      size_t len)
{
	enum db_status st = idempotency_finish(req, status, content_type, data, len);
	if (st != DB_OK)
		return problem_db(req, st);
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(len, (void *)(uintptr_t)data, MHD_RESPMEM_PERSISTENT);
	return queue(req, status, resp, content_type);
}

int http_reply_json_type(struct request *req, int status, json_t *json, const char *content_type)
{
	/* 15 significant digits: a figure rounded to 2 decimals reads 14.29, not the
	 * 14.289999999999999 of the shortest exact form of the double */
	char *text = json ? json_dumps(json, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
	json_decref(json);
	if (!text)
		return -1;
	return http_reply_owned(req, status, content_type, text, strlen(text));
}

int http_reply_json(struct request *req, int status, json_t *json)
{
	return http_reply_json_type(req, status, json, "application/json");
}

int http_reply_empty(struct request *req, int status)
{
	enum db_status st = idempotency_finish(req, status, NULL, "", 0);
	if (st != DB_OK)
		return problem_db(req, st);
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	return queue(req, status, resp, NULL);
}

int http_reply_not_modified(struct request *req, const char *representation, size_t len)
{
	if (req->idem_claimed) { /* not for idempotent routes: their answer must be kept */
		log_msg(LOG_ERROR, "a 304 on an idempotent route", req->path);
		return -1;
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer(
	    len, (void *)(uintptr_t)representation, MHD_RESPMEM_PERSISTENT);
	return queue(req, 304, resp, NULL);
}

int http_json_depth(const json_t *json)
{
	int deepest = 0;
	if (json_is_object(json)) {
		const char *key;
		json_t *v;
		json_object_foreach ((json_t *)json, key, v) {
			int d = http_json_depth(v);
			if (d > deepest)
				deepest = d;
		}
		return deepest + 1;
	}
	if (json_is_array(json)) {
		size_t i;
		json_t *v;
		json_array_foreach (json, i, v) {
			int d = http_json_depth(v);
			if (d > deepest)
				deepest = d;
		}
		return deepest + 1;
	}
	return 0;
}

static bool is_json_media_type(const char *ct)
{
	static const char want[] = "application/json";
	if (!ct || strncasecmp(ct, want, sizeof(want) - 1) != 0)
		return false;
	const char *rest = ct + sizeof(want) - 1;
	while (*rest == ' ')
		rest++;
	return *rest == '\0' || *rest == ';';
}

json_t *http_body_json(struct request *req)
{
	json_error_t err;
	char detail[256];
	if (!is_json_media_type(http_request_header(req, MHD_HTTP_HEADER_CONTENT_TYPE))) {
		problem_reply(req, 415, "unsupported-media-type",
		              "the body must be sent as Content-Type: application/json");
		return NULL;
	}
	if (req->body.len == 0) {
		problem_reply(req, 400, "malformed-json", "the request body is empty");
		return NULL;
	}
	/* JSON_REJECT_DUPLICATES: {"a":1,"a":2} has no single meaning; refuse it. */
	enum json_budget_result memory = JSON_BUDGET_OK;
	json_t *root = json_budget_loadb(req->body.data, req->body.len, JSON_REJECT_DUPLICATES,
	                                 req->body.max * JSON_BUDGET_FACTOR, &err, &memory);
	if (!root && memory == JSON_BUDGET_BUSY) {
		http_header_add(req, "Retry-After", "1");
		problem_reply(req, 503, "unavailable",
		              "other large requests are being parsed; retry shortly");
		return NULL;
	}
	if (!root && memory == JSON_BUDGET_OVER) {
		snprintf(detail, sizeof(detail),
		         "the JSON body has too many values: parsing it would take more than %zu "
		         "bytes",
		         req->body.max * JSON_BUDGET_FACTOR);
		problem_reply(req, 413, "body-too-large", detail);
		return NULL;
	}
	if (!root) {
		snprintf(detail, sizeof(detail), "malformed JSON at line %d, column %d: %s",
		         err.line, err.column, err.text);
		problem_reply(req, 400, "malformed-json", detail);
		return NULL;
	}
	if (http_json_depth(root) > HTTP_JSON_MAX_DEPTH) {
		json_decref(root);
		snprintf(detail, sizeof(detail), "JSON nested deeper than %d levels",
		         HTTP_JSON_MAX_DEPTH);
		problem_reply(req, 400, "malformed-json", detail);
		return NULL;
	}
	return root;
}

int http_query(struct request *req, const char *name, const char **out)
{
	const char *raw = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
	*out = NULL;
	if (!raw)
		return 0;
	size_t len = strlen(raw);
	if (len > QUERY_VALUE_MAX || req->nowned == REQUEST_MAX_OWNED)
		return -1;
	char *v = malloc(len + 1);
	if (!v || router_percent_decode(raw, len, v, len + 1, true) < 0) {
		free(v);
		return -1;
	}
	req->owned[req->nowned++] = v;
	*out = v;
	return 0;
}

/* ---- request life cycle ---------------------------------------------------------- */

static char request_id_prefix[13];

static void request_id_prefix_init(void)
{
	unsigned char rnd[6];
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		memset(rnd, 0, sizeof(rnd));
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(request_id_prefix + 2 * i, 3, "%02x", rnd[i]);
}

static void request_id_init(struct request *req)
{
	const char *given = http_request_header(req, "X-Request-Id");
	if (given) {
		size_t n = strlen(given);
		bool ok = n > 0 && n <= REQUEST_ID_MAX;
		for (size_t i = 0; ok && i < n; i++) {
			char c = given[i];
			ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':';
		}
		if (ok) {
			memcpy(req->request_id, given, n + 1);
			return;
		}
	}
	/* A random prefix per process and a counter: distinct ids without a syscall or a
	 * lock per request (ids need not be secret, only distinct). */
	static atomic_ulong counter;
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, request_id_prefix_init);
	unsigned long n = atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
	snprintf(req->request_id, sizeof(req->request_id), "%s%012lx", request_id_prefix,
	         n & 0xffffffffffffUL);
}

/* The largest body a route takes: LOYALTYD_MAX_BODY_BYTES for the routes marked
 * ROUTE_LARGE_BODY (an event batch), HTTP_SIGNED_BODY_MAX for a signed webhook,
 * HTTP_BODY_MAX for the others (a survey answer, a points change, a customer), never more
 * than LOYALTYD_MAX_BODY_BYTES. */
static size_t route_body_max(const struct config *cfg, const struct route *route)
{
	size_t max = (size_t)cfg->max_body_bytes, cap = HTTP_BODY_MAX;
	if (route && (route->flags & ROUTE_LARGE_BODY))
		cap = max;
	else if (route && (route->flags & ROUTE_SIGNED))
		cap = HTTP_SIGNED_BODY_MAX;
	return cap < max ? cap : max;
}

static struct request *request_new(struct app *app, struct MHD_Connection *conn, const char *method,
                                   const char *url)
{
	/* malloc, not calloc: the path buffer and the header slots need no zeroing */
	struct request *req = malloc(sizeof(*req));
	if (!req)
		return NULL;
	memset(req, 0, REQUEST_ZEROED);

	clock_gettime(CLOCK_MONOTONIC, &req->started);
	req->app = app;
	req->conn = conn;
	req->method = method;
	req->path = url;
	req->match_result = router_match(app->routes, app->nroutes, method, url, &req->match);
	body_init(&req->body, route_body_max(&app->cfg, req->match.route));
	request_id_init(req);
	atomic_fetch_add(&app->in_flight, 1);
	return req;
}

static bool admin_token_ok(struct request *req)
{
	const char *auth = http_request_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *token = auth_bearer(auth);
	unsigned char a[32], b[32];
	if (!token)
		return false;
	/* Hash both so the comparison takes the same time whatever the lengths. */
	EVP_Digest(token, strlen(token), a, NULL, EVP_sha256(), NULL);
	EVP_Digest(req->app->cfg.admin_token, strlen(req->app->cfg.admin_token), b, NULL,
	           EVP_sha256(), NULL);
	return CRYPTO_memcmp(a, b, sizeof(a)) == 0;
}

static int reply_options(struct request *req)
{
	const char *origin = http_request_header(req, "Origin");
	const char *want = http_request_header(req, "Access-Control-Request-Method");
	http_header_add(req, "Allow", req->match.allow);
	if (origin && want && config_cors_allowed(&req->app->cfg, origin)) {
		http_header_add(req, "Access-Control-Allow-Methods", req->match.allow);
		http_header_add(req, "Access-Control-Allow-Headers",
		                "Authorization, Content-Type, Idempotency-Key, X-Request-Id");
		http_header_add(req, "Access-Control-Max-Age", "600");
	}
	return http_reply_empty(req, 204);
}

static int reply_too_big(struct request *req)
{
	char detail[96];
	snprintf(detail, sizeof(detail), "the request body is larger than %zu bytes",
	         req->body.max);
	return problem_reply(req, 413, "body-too-large", detail);
}

/* Keeps the request's Forwarded and X-Forwarded-For lines in the client_ip_headers cls. */
static enum MHD_Result collect_forwarding(void *cls, enum MHD_ValueKind kind, const char *key,
                                          const char *value)
{
	(void)kind;
	client_ip_headers_add(cls, key, value);
	return MHD_YES;
}

/* The client's address as text ("127.0.0.1", "::1"), for the per-address limits; "" when
 * unknown. Behind a trusted proxy it is the one its forwarding headers name (client_ip.h). */
static void client_address(struct request *req, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct client_ip_list *trusted = &req->app->cfg.trusted_proxies;
	struct client_ip_addr peer, client;
	struct client_ip_headers h = {0};
	out[0] = '\0';
	if (client_ip_from_sockaddr(ci ? ci->client_addr : NULL, &peer) != 0)
		return;
	if (client_ip_list_contains(trusted, &peer))
		MHD_get_connection_values(req->conn, MHD_HEADER_KIND, collect_forwarding, &h);
	(void)client_ip_resolve(trusted, &peer, &h, &client);
	client_ip_format(&client, out, cap);
}

static int reply_rate_limited(struct request *req, double wait, const char *detail)
{
	char seconds[24];
	snprintf(seconds, sizeof(seconds), "%ld", (long)wait + 1);
	http_header_add(req, "Retry-After", seconds);
	return problem_reply(req, 429, "rate-limited", detail);
}

static double auth_failure_rate(const struct config *cfg)
{
	return (double)cfg->auth_failures_per_minute / 60.0;
}

struct header_counter {
	const char *name;
	int n;
};

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
	struct header_counter *c = cls;
	(void)kind;
	(void)value;
	if (strcasecmp(key, c->name) == 0)
		c->n++;
	return MHD_YES;
}

/* How many times the request carries the header name. */
static int header_count(struct request *req, const char *name)
{
	struct header_counter c = {name, 0};
	MHD_get_connection_values(req->conn, MHD_HEADER_KIND, count_header, &c);
	return c.n;
}

/* The rate-limit bucket of an authenticated request: its key's, except that a key that may
 * only answer surveys is public (it sits in shops' pages), so each client address has its
 * own bucket of it: one visitor cannot use up a shop's widget for every other visitor. */
static void key_bucket(struct request *req, char *out, size_t cap)
{
	if (req->who.scopes == SCOPE_RESPOND) {
		char addr[INET6_ADDRSTRLEN];
		client_address(req, addr, sizeof(addr));
		snprintf(out, cap, "%.12s@%s", req->who.key_id, addr);
	} else {
		snprintf(out, cap, "%s", req->who.key_id);
	}
}

/* True when the request's route authenticates its caller (a key, the admin token or a
 * webhook signature): its failures count against the client address. */
static bool authenticates(const struct request *req)
{
	const struct route *route = req->match.route;
	return req->match_result == ROUTER_MATCH &&
	       (route->auth != AUTH_NONE || (route->flags & ROUTE_SIGNED)) &&
	       strcmp(req->method, "OPTIONS") != 0;
}

/* Counts a 401 against the client address (the failed-authentication limit). */
static void note_auth_failure(struct request *req)
{
	const struct config *cfg = &req->app->cfg;
	char addr[INET6_ADDRSTRLEN] = "";
	if (req->status != 401 || !authenticates(req) || cfg->auth_failures_per_minute <= 0)
		return;
	client_address(req, addr, sizeof(addr));
	(void)ratelimit_hit(RATELIMIT_AUTH_FAILURE, addr, auth_failure_rate(cfg),
	                    (double)cfg->auth_failures_per_minute);
}

static int admit_route(struct request *req);

/* The first stage, run as soon as the head is whole and before any byte of the body is
 * read: the route, the caller's key or token and scope, the rate limits and the query
 * parameters. A request refused here never has its body buffered (nor parsed), so
 * memory cannot be swollen without a key. Returns with req->status set when it queued
 * a reply (or -1 when it could not); with none queued the request goes on to run(). */
static int admit(struct request *req)
{
	const struct config *cfg = &req->app->cfg;
	if (authenticates(req) && cfg->auth_failures_per_minute > 0) {
		char addr[INET6_ADDRSTRLEN] = "";
		client_address(req, addr, sizeof(addr));
		double wait = ratelimit_check(RATELIMIT_AUTH_FAILURE, addr, auth_failure_rate(cfg),
		                              (double)cfg->auth_failures_per_minute);
		if (wait > 0)
			return reply_rate_limited(
			    req, wait, "too many failed authentications from this address");
	}
	int rc = admit_route(req);
	note_auth_failure(req);
	return rc;
}

static int admit_route(struct request *req)
{
	const struct route *route = req->match.route;
	bool options = strcmp(req->method, "OPTIONS") == 0;

	if (options && req->match_result != ROUTER_NO_PATH && req->match_result != ROUTER_BAD_PATH)
		return reply_options(req);
	switch (req->match_result) {
	case ROUTER_NO_PATH:
		return problem_reply(req, 404, "not-found", "no such resource");
	case ROUTER_BAD_PATH:
		return problem_reply(req, 400, "bad-path",
		                     "the path has a malformed percent-encoding or is too long");
	case ROUTER_NO_METHOD:
		http_header_add(req, "Allow", req->match.allow);
		return problem_reply(req, 405, "method-not-allowed",
		                     "this resource does not support that method");
	case ROUTER_MATCH:
		break;
	}
	if (header_count(req, MHD_HTTP_HEADER_AUTHORIZATION) > 1)
		/* two credentials have no one meaning: which of them would be checked depends on
		 * the server, and a proxy may have checked the other */
		return problem_reply(req, 400, "invalid-header",
		                     "the request has more than one Authorization header");
	if (route->auth == AUTH_ADMIN_TOKEN) {
		if (req->app->cfg.admin_token[0] == '\0')
			return problem_reply(req, 404, "not-found", "no such resource");
		if (!admin_token_ok(req)) {
			http_header_add(req, "WWW-Authenticate", "Bearer");
			return problem_reply(req, 401, "unauthorized",
			                     "a valid admin token is required");
		}
	} else if (route->auth == AUTH_KEY) {
		int rc = auth_check(req, route->scopes);
		if (rc != 0)
			return rc > 0 ? 0 : -1;
		char bucket[RATELIMIT_NAME_MAX + 1];
		key_bucket(req, bucket, sizeof(bucket));
		double wait = ratelimit_hit(RATELIMIT_KEY, bucket, (double)req->app->cfg.rate_limit,
		                            (double)req->app->cfg.rate_burst);
		if (wait > 0)
			return reply_rate_limited(req, wait, "this API key sent too many requests");
	}
	if (route->flags & ROUTE_ANY_QUERY)
		return 0;
	int known = query_check(req); /* a typo must not give the default silently */
	return known > 0 ? 0 : known;
}

/* The second stage, once the whole body is in: the body limit, the Idempotency-Key and
 * the handler. Always queues one reply (or returns -1). */
static int run(struct request *req)
{
	const struct route *route = req->match.route;
	int rc;
	if (req->body.too_big)
		rc = reply_too_big(req);
	else if (route->flags & ROUTE_IDEMPOTENT) {
		rc = idempotency_begin(req);
		if (rc != 0)
			return rc > 0 ? 0 : -1;
		rc = route->handler(req);
		if (req->idem_claimed && req->status == 0 &&
		    problem_reply(req, 500, "internal",
		                  "an internal error occurred; it was logged") != 0)
			rc = -1;
		idempotency_abandon(req); /* the unit never outlives its request */
	} else {
		rc = route->handler(req);
	}
	note_auth_failure(req); /* a webhook's signature is checked on its body */
	return rc;
}

struct framing {
	int content_length; /* Content-Length headers */
	int transfer_encoding;
	bool chunked_only; /* every Transfer-Encoding is exactly "chunked" */
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
	struct framing *f = cls;
	(void)kind;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		f->content_length++;
	if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		f->transfer_encoding++;
		if (!value || strcasecmp(value, "chunked") != 0)
			f->chunked_only = false;
	}
	return MHD_YES;
}

/* The body's framing must have one meaning (RFC 9112 §6.3): two Content-Lengths, a
 * Content-Length with a Transfer-Encoding, or any coding but one "chunked" are the stuff
 * of request smuggling, which libmicrohttpd 0.9.75 lets through (it reads the first
 * Content-Length, or waits on an unknown coding until the timeout). NULL when it is
 * sound, else the detail of the 400. */
static const char *framing_problem(struct MHD_Connection *conn)
{
	struct framing f = {0, 0, true};
	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_framing, &f);
	if (f.content_length > 1)
		return "the request has more than one Content-Length";
	if (f.transfer_encoding > 0 && f.content_length > 0)
		return "the request has both Content-Length and Transfer-Encoding";
	if (f.transfer_encoding > 1 || !f.chunked_only)
		return "the only Transfer-Encoding accepted is one \"chunked\"";
	return NULL;
}

/* True when the request announces a body (a Content-Length over 0, or chunks). */
static bool has_body(struct MHD_Connection *conn)
{
	const char *cl =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *te =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	return te != NULL || (cl != NULL && strspn(cl, "0") != strlen(cl));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	struct app *app = cls;
	struct request *req = *con_cls;
	(void)version;

	if (req == NULL) {
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		if (ci)
			conn_guard_head_done(app->guard, ci->socket_context);
		req = request_new(app, conn, method, url);
		if (!req)
			return MHD_NO;
		*con_cls = req;
		const char *framing = framing_problem(conn);
		if (framing) {
			/* answered at once, and the connection closed: its body cannot be trusted
			 */
			req->body.too_big = true; /* nothing of it is read */
			return problem_reply(req, 400, "bad-framing", framing) == 0 ? MHD_YES
			                                                            : MHD_NO;
		}
		/* When a body is coming, the caller is known before a byte of it is read: a
		 * refused request's body is never buffered (libmicrohttpd then drops it and
		 * closes the connection). A request without one is admitted with run(), so
		 * that its refusal keeps the connection (a CORS preflight, a 401). */
		if (has_body(conn)) {
			req->admitted = true;
			if (admit(req) != 0 && req->status == 0)
				return problem_reply(req, 500, "internal",
				                     "an internal error occurred; it was logged") ==
				               0
				           ? MHD_YES
				           : MHD_NO;
			if (req->status != 0)
				return MHD_YES;
		}
		/* A declared body over the route's limit is refused before it is read. */
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                             MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl) {
			char *end = NULL;
			errno = 0;
			unsigned long long n = strtoull(cl, &end, 10);
			if (errno == 0 && end != cl && *end == '\0' &&
			    n > (unsigned long long)req->body.max) {
				req->body.too_big = true;
				return reply_too_big(req) == 0 ? MHD_YES : MHD_NO;
			}
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		/* A body trickled in slowly enough never trips the idle timeout; the whole of it
		 * has a deadline (also one dropped after an early answer). No reply can be
		 * queued while it arrives: the connection goes. */
		if (elapsed_seconds(&req->started) > (double)app->cfg.body_timeout_s) {
			log_msg(LOG_WARN, "request body too slow", "the connection is closed");
			return MHD_NO;
		}
		if (req->status != 0) {
			/* answered before the body (401, 403, 404, 413…): its bytes are dropped,
			 * and past the route's limit the connection is closed */
			req->discarded += n;
			return req->discarded > req->body.max ? MHD_NO : MHD_YES;
		}
		if (req->body.too_big) {
			/* libmicrohttpd 0.9.75 refuses a reply queued while a body is arriving, so
			 * a chunked body past the limit is read and dropped, and 413 follows its
			 * end. Past twice the limit the connection is closed instead. */
			req->discarded += n;
			return req->discarded > req->body.max ? MHD_NO : MHD_YES;
		}
		if (body_append(&req->body, upload_data, n) != 0) {
			if (!req->body.too_big)
				return MHD_NO; /* out of memory */
			req->discarded = n;    /* the bytes before this piece were the limit */
		}
		return MHD_YES;
	}
	if (req->status != 0)
		return MHD_YES; /* answered on the first call */
	const union MHD_ConnectionInfo *sc =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (sc)
		conn_guard_body_done(app->guard, sc->socket_context); /* no deadline from here */
	if (!req->admitted) {
		req->admitted = true;
		if (admit(req) != 0 && req->status == 0 &&
		    problem_reply(req, 500, "internal",
		                  "an internal error occurred; it was logged") != 0)
			return MHD_NO;
		if (req->status != 0)
			return MHD_YES;
	}
	if (run(req) != 0 && req->status == 0 &&
	    problem_reply(req, 500, "internal", "an internal error occurred; it was logged") != 0)
		return MHD_NO;
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct app *app = cls;
	struct request *req = *con_cls;
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK) /* the next head's deadline */
		conn_guard_await_head(app->guard, ci->socket_context);
	if (!req)
		return;
	double seconds = elapsed_seconds(&req->started);
	size_t route_index = req->match.route ? req->match.index : app->nroutes;
	metrics_observe_request(route_index, req->status, seconds);
	struct log_access entry = {
	    .method = req->method,
	    .route = req->match.route ? req->match.route->pattern : "unmatched",
	    .status = req->status,
	    .duration_ms = seconds * 1000.0,
	    .request_id = req->request_id,
	    .tenant = req->authenticated ? req->who.tenant_id : "",
	    .aborted = toe != MHD_REQUEST_TERMINATED_COMPLETED_OK,
	};
	log_access(&entry);
	/* a large body and its parse leave free memory scattered over this thread's arena:
	 * given back to the system now, so that RSS comes down after a burst */
	bool large = req->body.cap >= HTTP_TRIM_AFTER_BYTES;
	body_release(&req->body);
	if (large)
		(void)malloc_trim(0);
	for (size_t i = 0; i < req->nowned; i++)
		free(req->owned[i]);
	free(req);
	*con_cls = NULL;
	atomic_fetch_sub(&app->in_flight, 1);
}

/* Every connection is known to the guard from accept to close (conn_guard.h). */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
	struct app *app = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_context = NULL;
		if (ci)
			conn_guard_opened(app->guard, ci->connect_fd, socket_context);
	} else {
		conn_guard_closed(app->guard, socket_context);
	}
}

static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct app *app = cls;
	(void)addr;
	(void)addrlen;
	/* room for a request that comes at once, or no */
	return conn_guard_admit(app->guard) ? MHD_YES : MHD_NO;
}

/* Leaves the path encoded: the router splits segments before decoding them, so that an
 * encoded '/' stays inside its parameter. Query values are decoded by http_query(). */
static size_t keep_escaped(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	return strlen(s);
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_msg(LOG_WARN, "libmicrohttpd", msg);
}

static void mhd_panic(void *cls, const char *file, unsigned int line, const char *reason)
{
	(void)cls;
	fprintf(stderr,
	        "{\"level\":\"error\",\"msg\":\"libmicrohttpd panic\",\"file\":\"%s\","
	        "\"line\":%u,\"detail\":\"%s\"}\n",
	        file ? file : "", line, reason ? reason : "");
	abort();
}

static int listen_address(const char *host, int port, struct sockaddr_storage *out)
{
	struct addrinfo hints, *res = NULL;
	char service[8];
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	snprintf(service, sizeof(service), "%d", port);
	if (strcmp(host, "[::]") == 0 || strcmp(host, "[::1]") == 0) {
		host = host[3] == '1' ? "::1" : "::";
	}
	if (getaddrinfo(host, service, &hints, &res) != 0 || !res)
		return -1;
	memcpy(out, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

int http_start(struct app *app, struct MHD_Daemon **out)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	if (listen_address(app->cfg.listen_host, app->cfg.listen_port, &ss) != 0) {
		log_msg(LOG_ERROR, "cannot resolve listen address", app->cfg.listen);
		return -1;
	}
	MHD_set_panic_func(mhd_panic, NULL);
	struct conn_guard_limits limits = {
	    .head_timeout_ms = app->cfg.head_timeout_s * 1000,
	    .idle_timeout_ms = app->cfg.conn_timeout_s * 1000,
	    .body_timeout_ms = app->cfg.body_timeout_s * 1000,
	    .budget = (size_t)app->cfg.max_connections * 3 / 4,
	    .max_connections = (size_t)app->cfg.max_connections,
	};
	if (conn_guard_start(&app->guard, &limits) != 0) {
		log_msg(LOG_ERROR, "cannot start the connection guard", NULL);
		return -1;
	}
	unsigned flags =
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* The logger comes first so that every message of libmicrohttpd goes through it. */
	/* clang-format off */
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, (uint16_t)app->cfg.listen_port, on_accept, app, on_request, app,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->cfg.threads,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)app->cfg.conn_timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)app->cfg.conn_memory_bytes,
		/* twice the limit: the guard keeps LOYALTYD_MAX_CONNECTIONS (conn_guard.h), and
		 * libmicrohttpd's limit, shared out among its threads, must never refuse a
		 * connection before the guard could make room for it */
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)app->cfg.max_connections * 2,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)app->cfg.max_connections_per_ip,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, app,
		MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
		MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
		MHD_OPTION_END);
	/* clang-format on */
	if (!d) {
		log_msg(LOG_ERROR, "cannot listen", app->cfg.listen);
		conn_guard_stop(app->guard);
		app->guard = NULL;
		return -1;
	}
	*out = d;
	return 0;
}

void http_stop(struct app *app, struct MHD_Daemon *daemon)
{
	MHD_socket fd = MHD_quiesce_daemon(daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	long waited_ms = 0, grace_ms = app->cfg.shutdown_grace_s * 1000;
	while (atomic_load(&app->in_flight) > 0 && waited_ms < grace_ms) {
		usleep(10000);
		waited_ms += 10;
	}
	if (atomic_load(&app->in_flight) > 0)
		log_msg(LOG_WARN, "shutdown grace period over", "in-flight requests are cut off");
	MHD_stop_daemon(daemon);
	conn_guard_stop(app->guard); /* every connection is closed now */
	app->guard = NULL;
}

struct stream {
	http_fill_fn fill;
	void (*done)(void *cls);
	void *cls;
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	(void)pos;
	long n = s->fill(s->cls, buf, max);
	if (n > 0)
		return (ssize_t)n;
	return n == 0 ? MHD_CONTENT_READER_END_OF_STREAM : MHD_CONTENT_READER_END_WITH_ERROR;
}

static void stream_free(void *cls)
{
	struct stream *s = cls;
	s->done(s->cls);
	free(s);
}

int http_reply_stream(struct request *req, int status, const char *content_type, http_fill_fn fill,
                      void (*done)(void *cls), void *cls)
{
	struct stream *s = req->idem_claimed ? NULL : malloc(sizeof(*s));
	if (!s) { /* out of memory, or an idempotent route, whose answer must be kept */
		done(cls);
		return -1;
	}
	*s = (struct stream){fill, done, cls};
	struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024,
	                                                              stream_read, s, stream_free);
	if (!resp) {
		stream_free(s);
		return -1;
	}
	/* The statement behind a stream may think for a while before its first row (a whole
	 * RFM scoring), during which nothing is sent: the idle timeout of this connection
	 * grows by the statement timeout, so that only a client that stops reading is cut. */
	const struct config *cfg = &req->app->cfg;
	if (cfg->db_statement_timeout_ms > 0)
		MHD_set_connection_option(
		    req->conn, MHD_CONNECTION_OPTION_TIMEOUT,
		    (unsigned)(cfg->conn_timeout_s + (cfg->db_statement_timeout_ms + 999) / 1000));
	/* queue() destroys resp on failure, which calls stream_free */
	return queue(req, status, resp, content_type);
}
