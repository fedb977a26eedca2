/* idempotency.h - the Idempotency-Key header on routes marked ROUTE_IDEMPOTENT
 * (docs/DESIGN.md §4, Stripe semantics), kept in PostgreSQL per tenant for 24 hours.
 *
 * A request with a key runs in one unit of work (db.h): the key's claim, the handler's
 * effect and the answer kept under the key are one transaction, so a key is either
 * finished with its answer or not there at all, whatever fails where: no claim outlives
 * a dead request, and nothing is ever applied twice. A key that has an answer for the same
 * request (method, route, body) replays it with Idempotent-Replayed: true; for another
 * request it is refused with 422; while another transaction holds it, 409 with
 * Retry-After at once. A 5xx, or work that failed, keeps nothing: the retry runs anew. */
#ifndef LOYALTYD_IDEMPOTENCY_H
#define LOYALTYD_IDEMPOTENCY_H

#include <stddef.h>

#include "http/request.h"
#include "store/db.h"

/* STEP_GO_ON to run the handler (a key, if any, is claimed), or the step of the reply
 * that ends the request (replay, 400, 409, 422, 503). */
enum step idempotency_begin(struct request *req);

/* Called by every reply before it is queued: keeps the answer under the key and commits
 * the request's unit of work (does nothing for a request without a claim). Returns
 * DB_OK when the reply may go as it is; otherwise a 2xx could not be committed and the
 * reply must be replaced by problem_db() of the status returned. */
__attribute__((warn_unused_result)) enum db_status idempotency_finish(struct request *req,
                                                                      int status,
                                                                      const char *content_type,
                                                                      const char *body, size_t len);

/* Rolls back the unit of a request whose handler ended without a reply. */
void idempotency_abandon(struct request *req);

#endif
