/* http.c - a request as handlers see it: its headers, query, body, and its one reply.
 *
 * A reply is made here and kept in the request (struct request's response); the
 * transport (server.c) sends it when the dispatcher is done with the request, so that an
 * answer kept under an Idempotency-Key is committed before a byte of it leaves. */
#include "http/http.h"

#include <microhttpd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json_util.h"
#include "base/log.h"

#define QUERY_VALUE_MAX 1024

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

int http_header_count(struct request *req, const char *name)
{
	struct header_counter c = {name, 0};
	MHD_get_connection_values(req->conn, MHD_HEADER_KIND, count_header, &c);
	return c.n;
}

/* Keeps the request's Forwarded and X-Forwarded-For lines in the client_ip_headers cls. */
static enum MHD_Result collect_forwarding(void *cls, enum MHD_ValueKind kind, const char *key,
                                          const char *value)
{
	(void)kind;
	client_ip_headers_add(cls, key, value);
	return MHD_YES;
}

void http_client_address(struct request *req, char *out, size_t cap)
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

/* Keeps resp as the request's reply. body/len are what it sends (borrowed from resp). */
static enum step keep(struct request *req, int status, struct MHD_Response *resp,
                      const char *content_type, const char *body, size_t len)
{
	if (!resp)
		return STEP_FAILED;
	if (req->status != 0) {
		/* A second reply is a bug in a handler; the first one stands. */
		log_msg(LOG_ERROR, "handler replied twice", req->path);
		MHD_destroy_response(resp);
		return STEP_FAILED;
	}
	req->response = resp;
	req->status = status;
	snprintf(req->reply_type, sizeof(req->reply_type), "%s", content_type ? content_type : "");
	req->reply_body = body;
	req->reply_len = len;
	return STEP_ANSWERED;
}

void http_reply_discard(struct request *req)
{
	if (req->response)
		MHD_destroy_response(req->response);
	req->response = NULL;
	req->status = 0;
	req->reply_type[0] = '\0';
	req->reply_body = NULL;
	req->reply_len = 0;
}

enum step http_reply_owned(struct request *req, int status, const char *content_type, char *data,
                           size_t len)
{
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(data);
		return STEP_FAILED;
	}
	return keep(req, status, resp, content_type, data, len);
}

enum step http_reply_static(struct request *req, int status, const char *content_type,
                            const char *data, size_t len)
{
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(len, (void *)(uintptr_t)data, MHD_RESPMEM_PERSISTENT);
	return keep(req, status, resp, content_type, data, len);
}

enum step http_reply_json_type(struct request *req, int status, json_t *json,
                               const char *content_type)
{
	/* 15 significant digits: a figure rounded to 2 decimals reads 14.29, not the
	 * 14.289999999999999 of the shortest exact form of the double */
	char *text = json ? json_dumps(json, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
	json_decref(json);
	if (!text)
		return STEP_FAILED;
	return http_reply_owned(req, status, content_type, text, strlen(text));
}

enum step http_reply_json(struct request *req, int status, json_t *json)
{
	return http_reply_json_type(req, status, json, "application/json");
}

enum step http_reply_empty(struct request *req, int status)
{
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	return keep(req, status, resp, NULL, "", 0);
}

enum step http_reply_not_modified(struct request *req, const char *representation, size_t len)
{
	if (req->idem_claimed) { /* not for idempotent routes: their answer must be kept */
		log_msg(LOG_ERROR, "a 304 on an idempotent route", req->path);
		return STEP_FAILED;
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer(
	    len, (void *)(uintptr_t)representation, MHD_RESPMEM_PERSISTENT);
	return keep(req, 304, resp, NULL, "", 0);
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

enum step http_reply_stream(struct request *req, int status, const char *content_type,
                            http_fill_fn fill, void (*done)(void *cls), void *cls)
{
	struct stream *s = req->idem_claimed ? NULL : malloc(sizeof(*s));
	if (!s) { /* out of memory, or an idempotent route, whose answer must be kept */
		done(cls);
		return STEP_FAILED;
	}
	*s = (struct stream){fill, done, cls};
	struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024,
	                                                              stream_read, s, stream_free);
	if (!resp) {
		stream_free(s);
		return STEP_FAILED;
	}
	/* The statement behind a stream may think for a while before its first row (a whole
	 * RFM scoring), during which nothing is sent: the idle timeout of this connection
	 * grows by the statement timeout, so that only a client that stops reading is cut. */
	const struct config *cfg = &req->app->cfg;
	if (cfg->db_statement_timeout_ms > 0)
		MHD_set_connection_option(
		    req->conn, MHD_CONNECTION_OPTION_TIMEOUT,
		    (unsigned)(cfg->conn_timeout_s + (cfg->db_statement_timeout_ms + 999) / 1000));
	/* keep() destroys resp on failure, which calls stream_free */
	return keep(req, status, resp, content_type, NULL, 0);
}
