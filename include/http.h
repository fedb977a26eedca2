/* http.h - libmicrohttpd glue: the daemon, request bodies and limits, dispatch through the
 * router, replies, CORS, request ids and the access log.
 *
 * A handler answers exactly once with one of the http_reply_* functions or problem.h.
 * Every reply carries X-Request-Id; bodies are sent only after the whole request was read
 * (so keep-alive survives), except 413 for a declared Content-Length over the limit. */
#ifndef LOYALTYD_HTTP_H
#define LOYALTYD_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "app.h"
#include "request.h"

struct MHD_Daemon;

/* Starts the daemon on app->cfg.listen with its thread pool. Returns 0 or -1 (logged). */
__attribute__((warn_unused_result)) int http_start(struct app *app, struct MHD_Daemon **out);

/* Graceful stop: stops accepting, waits up to the grace period for in-flight requests
 * to finish, then stops the daemon and frees it. */
void http_stop(struct app *app, struct MHD_Daemon *daemon);

/* Queues a reply whose body data (malloc'd) is taken over and freed by the library.
 * Returns 0, or -1 (data freed) when libmicrohttpd refused. */
int http_reply_owned(struct request *req, int status, const char *content_type, char *data,
                     size_t len);

/* Queues a reply with a body that lives for the whole process (embedded files). */
int http_reply_static(struct request *req, int status, const char *content_type, const char *data,
                      size_t len);

/* Queues json (stolen) as application/json. */
int http_reply_json(struct request *req, int status, json_t *json);

/* Queues json (stolen) with another JSON media type (application/problem+json). */
int http_reply_json_type(struct request *req, int status, json_t *json, const char *content_type);

/* Queues a reply without body (204). */
int http_reply_empty(struct request *req, int status);

/* Queues a 304 for representation (len bytes, living for the whole process): its
 * Content-Length is the one the 200 would have (RFC 9110 §8.6; libmicrohttpd 0.9.75 would
 * say 0 for an empty reply), and no byte of it is sent. */
int http_reply_not_modified(struct request *req, const char *representation, size_t len);

/* A body made while it is sent (chunked): fill writes up to max bytes into buf and
 * returns how many (more than 0), 0 at the end, or -1 on a failure, after which the
 * connection is closed so that the client sees a cut body, not a short one. done(cls) is
 * called once, when the body is finished or the client has gone. Not for idempotent
 * routes. Returns 0, or -1 when the reply could not be queued (done has then run). */
typedef long (*http_fill_fn)(void *cls, char *buf, size_t max);
int http_reply_stream(struct request *req, int status, const char *content_type, http_fill_fn fill,
                      void (*done)(void *cls), void *cls);

/* Adds a header to the coming reply (copied; silently dropped past REQUEST_MAX_HEADERS). */
void http_header_add(struct request *req, const char *name, const char *value);

/* Returns a request header (borrowed, valid during the request) or NULL. */
const char *http_request_header(struct request *req, const char *name);

/* Parses the body as a JSON object or array: Content-Type must be application/json (415),
 * syntax valid with no duplicate keys (400), nesting at most HTTP_JSON_MAX_DEPTH (400).
 * Returns a new reference, or NULL after queuing the problem reply. */
json_t *http_body_json(struct request *req);

#define HTTP_JSON_MAX_DEPTH 32

/* The body limits of the routes (route_body_max in http.c): a route marked
 * ROUTE_LARGE_BODY takes LOYALTYD_MAX_BODY_BYTES, a signed webhook HTTP_SIGNED_BODY_MAX,
 * any other HTTP_BODY_MAX; none more than LOYALTYD_MAX_BODY_BYTES. */
#define HTTP_BODY_MAX (64 * 1024)
#define HTTP_SIGNED_BODY_MAX (1024 * 1024)

/* Looks a query parameter up and percent-decodes it. Returns 0 with *out set (NULL when
 * absent; valid during the request), or -1 when it is malformed or over 1024 bytes. */
__attribute__((warn_unused_result)) int http_query(struct request *req, const char *name,
                                                   const char **out);

/* Returns the nesting depth of json (a scalar is 0, [] is 1). Pure, for tests. */
int http_json_depth(const json_t *json);

#endif
