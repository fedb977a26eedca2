/* query.h - a request's query string against its route's list of parameters (router.h).
 *
 * Parameters a route does not take are refused, as Stripe does: a typo (?frm=) must not
 * silently give the default. */
#ifndef LOYALTYD_QUERY_H
#define LOYALTYD_QUERY_H

#include "request.h"

/* At most this many unknown parameters are named in one answer; the detail counts the
 * rest ("and 3 more"; past these, a name sent twice counts twice). */
#define QUERY_UNKNOWN_NAMED 8

/* Checks every query parameter of the request against its matched route. A parameter the
 * route does not list is answered with one 400 "invalid-parameter" problem naming each
 * (errors[].parameter, as sent; bytes outside printable ASCII as %XX) and the parameters
 * the route takes. An empty name without a value (a stray '&') is ignored. Returns 0 when
 * every parameter is known, 1 after queuing the 400, -1 when it could not be queued. */
__attribute__((warn_unused_result)) int query_check(struct request *req);

#endif
