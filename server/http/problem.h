/* problem.h - every error reply, as RFC 9457 application/problem+json.
 *
 * One module builds them all: type, title, status, detail, and for validation errors an
 * "errors" array of {"pointer", "message"}. Details are written for the client; internals
 * (SQLSTATEs, libpq messages) go to the log only. */
#ifndef LOYALTYD_PROBLEM_H
#define LOYALTYD_PROBLEM_H

#include <jansson.h>

#include "http/request.h"
#include "store/db.h"

/* Returns the standard reason phrase of an HTTP status ("Not Found"), "Error" if unknown. */
const char *problem_title(int status);

/* Builds a problem object. slug names the type ("validation" → urn:loyaltyd:problem:
 * validation); NULL gives about:blank. detail may be NULL. errors (may be NULL) is
 * stolen. Returns a new reference, or NULL when out of memory. */
json_t *problem_new(int status, const char *slug, const char *detail, json_t *errors);

/* Makes a problem reply. Returns as a handler does (router.h: enum step). */
enum step problem_reply(struct request *req, int status, const char *slug, const char *detail);

/* Makes a 422 "validation" problem listing errors (stolen); detail summarises them. */
enum step problem_invalid(struct request *req, json_t *errors);

/* Makes a 422 for a single field. */
enum step problem_invalid_field(struct request *req, const char *pointer, const char *message);

/* Maps a database status to its reply: 503 + Retry-After for unavailable/busy/timeout,
 * 409 for a conflict, 500 otherwise. The one place a DB failure becomes HTTP. */
enum step problem_db(struct request *req, enum db_status st);

#endif
