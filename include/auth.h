/* auth.h - who is calling: Bearer API keys and their scopes. */
#ifndef LOYALTYD_AUTH_H
#define LOYALTYD_AUTH_H

#include <jansson.h>
#include <stddef.h>

#include "request.h"

/* Returns the token of an "Authorization: Bearer <token>" header value (borrowed, inside
 * header), or NULL when header is NULL or not of that form. */
const char *auth_bearer(const char *header);

/* Verifies the request's key and that it holds one of scopes. Returns 0 with req->who
 * set; 1 after queuing 401/403/503; -1 when no reply could be queued. */
int auth_check(struct request *req, unsigned scopes);

/* Returns the scope bit of a name ("read"), or 0 when unknown. */
unsigned auth_scope_from_name(const char *name);

/* Returns a new JSON array of the names of the bits in scopes, in canonical order. */
json_t *auth_scopes_json(unsigned scopes);

/* Writes scopes as a PostgreSQL text[] literal ("{ingest,read}") into out. */
void auth_scopes_pg(unsigned scopes, char *out, size_t outlen);

/* Parses a PostgreSQL text[] literal of scope names. Unknown names are ignored. */
unsigned auth_scopes_parse_pg(const char *literal);

#endif
