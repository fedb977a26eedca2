/* server.c - the transport: libmicrohttpd's daemon, connections, framing, bodies and
 * their limits, request ids, sending the reply a request made, CORS and the access log.
 * What a request means is the dispatcher's (server.h: struct http_dispatch). */
#include "http/server.h"

#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netdb.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/log.h"
#include "http/conn_guard.h"
#include "http/http.h"
#include "http/metrics.h"
#include "http/problem.h"

/* A request whose body took this much returns its memory when it ends (malloc_trim). */
#define HTTP_TRIM_AFTER_BYTES (256 * 1024)

static const struct http_dispatch *dispatcher;

static double elapsed_seconds(const struct timespec *since)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - since->tv_sec) + (double)(now.tv_nsec - since->tv_nsec) / 1e9;
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

/* Sends the reply the request made (http.h), with the headers every answer carries.
 * Returns MHD_NO when none was made or libmicrohttpd refused it: the connection closes. */
static enum MHD_Result send_reply(struct request *req)
{
	struct MHD_Response *resp = req->response;
	if (!resp)
		return MHD_NO;
	if (req->reply_type[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, req->reply_type);
	MHD_add_response_header(resp, "X-Request-Id", req->request_id);
	bool cache_set = false; /* answers are never cached unless the handler says otherwise */
	for (size_t i = 0; i < req->nheaders; i++) {
		MHD_add_response_header(resp, req->headers[i].name, req->headers[i].value);
		cache_set = cache_set || strcasecmp(req->headers[i].name, "Cache-Control") == 0;
	}
	if (!cache_set)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	add_cors_headers(req, resp);
	enum MHD_Result r = MHD_queue_response(req->conn, (unsigned)req->status, resp);
	MHD_destroy_response(resp); /* libmicrohttpd keeps its own reference while it sends */
	req->response = NULL;
	return r;
}

/* Sends what a stage made: its reply, or a 500 when it made none (rc STEP_FAILED, or a
 * handler that returned without answering). */
static enum MHD_Result finish_stage(struct request *req, enum step rc)
{
	if (req->status == 0 && (rc == STEP_FAILED || rc == STEP_ANSWERED))
		(void)problem_reply(req, 500, "internal",
		                    "an internal error occurred; it was logged");
	return req->status != 0 ? send_reply(req) : MHD_YES;
}

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

static enum step reply_too_big(struct request *req)
{
	char detail[96];
	snprintf(detail, sizeof(detail), "the request body is larger than %zu bytes",
	         req->body.max);
	return problem_reply(req, 413, "body-too-large", detail);
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
			return finish_stage(req, problem_reply(req, 400, "bad-framing", framing));
		}
		/* When a body is coming, the caller is known before a byte of it is read: a
		 * refused request's body is never buffered (libmicrohttpd then drops it and
		 * closes the connection). A request without one is admitted with the rest, so
		 * that its refusal keeps the connection (a CORS preflight, a 401). */
		if (has_body(conn)) {
			req->admitted = true;
			enum step rc = dispatcher->admit(req);
			if (rc != STEP_GO_ON || req->status != 0)
				return finish_stage(req, rc);
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
				return finish_stage(req, reply_too_big(req));
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
		enum step rc = dispatcher->admit(req);
		if (rc != STEP_GO_ON || req->status != 0)
			return finish_stage(req, rc);
	}
	if (req->body.too_big)
		return finish_stage(req, reply_too_big(req));
	enum step rc = dispatcher->run(req);
	/* the dispatcher always answers: a run that made no reply is an internal error */
	return finish_stage(req, rc == STEP_GO_ON ? STEP_FAILED : rc);
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
	if (req->response) /* made but never sent */
		MHD_destroy_response(req->response);
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

int http_start(struct app *app, const struct http_dispatch *dispatch, struct MHD_Daemon **out)
{
	dispatcher = dispatch;
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
