/* request.h - one HTTP request as handlers see it.
 *
 * Created by the transport (server.c) on the first libmicrohttpd callback and freed when
 * the connection reports the request complete; handlers only read it and answer through
 * http.h. */
#ifndef LOYALTYD_REQUEST_H
#define LOYALTYD_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "domain/principal.h"
#include "http/body.h"
#include "http/router.h"

struct MHD_Connection;
struct MHD_Response;
struct app;

#define REQUEST_ID_MAX 64
#define REQUEST_MAX_HEADERS 8
#define REQUEST_MAX_OWNED 16

struct request {
	struct app *app; /* configuration, pool (app.h) */
	struct MHD_Connection *conn;
	const char *method; /* as sent; HEAD runs the GET handler */
	const char *path;   /* raw path, still percent-encoded */
	enum router_result match_result;
	struct body body;
	size_t discarded; /* bytes dropped after the body passed its limit */
	bool authenticated;
	struct principal who; /* valid when authenticated */
	char request_id[REQUEST_ID_MAX + 1];
	struct timespec started;
	int status;                    /* of the reply made, 0 before */
	struct MHD_Response *response; /* the reply made, sent by the transport */
	char reply_type[128];          /* its Content-Type, "" for none */
	const char *reply_body;        /* its bytes (borrowed from response; NULL: a stream) */
	size_t reply_len;
	size_t nheaders;   /* extra reply headers (Allow, Retry-After, Location) */
	bool idem_claimed; /* this request claimed idem_key (idempotency.h) */
	bool admitted;     /* the dispatcher's admit ran: before the body, or with it */
	size_t nowned;     /* decoded query values, freed with the request */
	char *owned[REQUEST_MAX_OWNED];
	/* The large members last: request_new() zeroes only what comes before them. */
	char idem_key[256];
	struct router_match match; /* route and decoded path parameters */
	struct {
		char name[32];
		char value[160];
	} headers[REQUEST_MAX_HEADERS];
};

/* Bytes of struct request that start zeroed; the rest is written before it is read. */
#define REQUEST_ZEROED offsetof(struct request, match)

#endif
