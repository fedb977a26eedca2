/* http.h - a request as handlers see it (http.c): its headers, query and body, and its
 * one reply.
 *
 * A handler answers exactly once with one of the http_reply_* functions or problem.h;
 * each returns STEP_ANSWERED, or STEP_FAILED when no reply could be made (the transport
 * then answers 500). The reply is kept in the request and sent by the transport
 * (server.h) once the dispatcher is done: every reply carries X-Request-Id, bodies are
 * sent only after the whole request was read (so keep-alive survives), except 413 for a
 * declared Content-Length over the limit. */
#ifndef LOYALTYD_HTTP_H
#define LOYALTYD_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/app.h"
#include "base/client_ip.h"
#include "http/request.h"

/* Makes a reply whose body data (malloc'd) is taken over and freed by the library.
 * STEP_FAILED (data freed) when libmicrohttpd refused. */
enum step http_reply_owned(struct request *req, int status, const char *content_type, char *data,
                           size_t len);

/* Makes a reply with a body that lives for the whole process (embedded files). */
enum step http_reply_static(struct request *req, int status, const char *content_type,
                            const char *data, size_t len);

/* Makes json (stolen) as application/json. */
enum step http_reply_json(struct request *req, int status, json_t *json);

/* Makes json (stolen) with another JSON media type (application/problem+json). */
enum step http_reply_json_type(struct request *req, int status, json_t *json,
                               const char *content_type);

/* Makes a reply without body (204). */
enum step http_reply_empty(struct request *req, int status);

/* Makes a 304 for representation (len bytes, living for the whole process): its
 * Content-Length is the one the 200 would have (RFC 9110 §8.6; libmicrohttpd 0.9.75 would
 * say 0 for an empty reply), and no byte of it is sent. */
enum step http_reply_not_modified(struct request *req, const char *representation, size_t len);

/* A body made while it is sent (chunked): fill writes up to max bytes into buf and
 * returns how many (more than 0), 0 at the end, or -1 on a failure, after which the
 * connection is closed so that the client sees a cut body, not a short one. done(cls) is
 * called once, when the body is finished or the client has gone. Not for idempotent
 * routes. STEP_FAILED when the reply could not be made (done has then run). */
typedef long (*http_fill_fn)(void *cls, char *buf, size_t max);
enum step http_reply_stream(struct request *req, int status, const char *content_type,
                            http_fill_fn fill, void (*done)(void *cls), void *cls);

/* Drops the request's reply, if any (the dispatcher, when an answer could not be kept:
 * another replaces it). */
void http_reply_discard(struct request *req);

/* Adds a header to the coming reply (copied; silently dropped past REQUEST_MAX_HEADERS). */
void http_header_add(struct request *req, const char *name, const char *value);

/* Returns a request header (borrowed, valid during the request) or NULL. */
const char *http_request_header(struct request *req, const char *name);

/* How many times the request carries the header name. */
int http_header_count(struct request *req, const char *name);

/* The client's address as text ("127.0.0.1", "::1"), for the per-address limits; "" when
 * unknown. Behind a trusted proxy it is the one its forwarding headers name (client_ip.h). */
void http_client_address(struct request *req, char *out, size_t cap);

/* The body limits of the routes (route_body_max in server.c): a route marked
 * ROUTE_LARGE_BODY takes LOYALTYD_MAX_BODY_BYTES, a signed webhook HTTP_SIGNED_BODY_MAX,
 * any other HTTP_BODY_MAX; none more than LOYALTYD_MAX_BODY_BYTES. */
#define HTTP_BODY_MAX (64 * 1024)
#define HTTP_SIGNED_BODY_MAX (1024 * 1024)

/* Looks a query parameter up and percent-decodes it. Returns 0 with *out set (NULL when
 * absent; valid during the request), or -1 when it is malformed or over 1024 bytes. */
__attribute__((warn_unused_result)) int http_query(struct request *req, const char *name,
                                                   const char **out);

#endif
