/* idempotency.h - the Idempotency-Key header on routes marked ROUTE_IDEMPOTENT
 * (DESIGN.md §4, Stripe semantics), kept in PostgreSQL per tenant for 24 hours.
 *
 * Before the handler: a new key is claimed and the request runs; a key that has an answer
 * for the same request (method, route, body) replays it with Idempotent-Replayed: true;
 * for another request it is refused with 422; while its first request runs, 409. After
 * the handler, its answer is kept under the key, except a 5xx, which gives the key back
 * so that a retry runs again. */
#ifndef LOYALTYD_IDEMPOTENCY_H
#define LOYALTYD_IDEMPOTENCY_H

#include <stddef.h>

#include "request.h"

/* Returns 0 to run the handler (a key, if any, is claimed), or 1 when a reply was queued
 * (replay, 400, 409, 422, 503), or -1 when none could be queued. */
int idempotency_begin(struct request *req);

/* Keeps the answer of a request that claimed a key (does nothing otherwise). */
void idempotency_finish(struct request *req, int status, const char *content_type, const char *body,
                        size_t len);

#endif
