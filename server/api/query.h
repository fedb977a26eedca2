/* query.h - a request's query string against its route's list of parameters (router.h).
 *
 * Parameters a route does not take are refused, as Stripe does: a typo (?frm=) must not
 * silently give the default. And a list's cursors are bound to what the list was asked
 * for: the route, its path parameters, and the values of its other query parameters (its
 * filters) — limit and cursor excepted, so that a client may change the page size. */
#ifndef LOYALTYD_QUERY_H
#define LOYALTYD_QUERY_H

#include "base/cursor.h"
#include "http/request.h"

/* At most this many unknown parameters are named in one answer; the detail counts the
 * rest ("and 3 more"; past these, a name sent twice counts twice). */
#define QUERY_UNKNOWN_NAMED 8

/* Checks every query parameter of the request against its matched route. A parameter the
 * route does not list is answered with one 400 "invalid-parameter" problem naming each
 * (errors[].parameter, as sent; bytes outside printable ASCII as %XX) and the parameters
 * the route takes. An empty name without a value (a stray '&') is ignored. STEP_GO_ON when
 * every parameter is known, else the step of the 400. */
__attribute__((warn_unused_result)) int query_check(struct request *req);

/* Writes into out the scope (cursor.h) of the cursors of list, the name of the list the
 * matched route serves: a digest of the route and its decoded path parameters, and one of
 * the decoded values of the route's query parameters other than limit and cursor (absent
 * and empty differ), and of extra when not NULL (what else the list depends on, such as
 * the body it was computed from). Returns 0, or -1 when out of memory or list is not a
 * list name of cursor_scope. */
__attribute__((warn_unused_result)) int query_cursor_scope(struct request *req, const char *list,
                                                           const char *extra,
                                                           char out[CURSOR_SCOPE_MAX]);

#endif
