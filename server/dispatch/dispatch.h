/* dispatch.h - the dispatcher the transport calls (http/server.h): for each request the
 * route it matched (the table of routes.c), then the caller (the admin token, or an API
 * key and its scopes: auth.h), the rate limits (ratelimit.h), the query parameters the
 * route takes (api/query.h), the Idempotency-Key (idempotency.h), and the handler.
 * A 401 counts against the client address (the failed-authentication limit). */
#ifndef LOYALTYD_DISPATCH_H
#define LOYALTYD_DISPATCH_H

#include "http/server.h"

extern const struct http_dispatch dispatch;

#endif
