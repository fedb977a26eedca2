/* auth.h - who is calling: Bearer API keys and their scopes. */
#ifndef LOYALTYD_AUTH_H
#define LOYALTYD_AUTH_H

#include <jansson.h>
#include <stddef.h>

#include "http/request.h"

/* Returns the token of an "Authorization: Bearer <token>" header value (borrowed, inside
 * header), or NULL when header is NULL or not of that form. */
const char *auth_bearer(const char *header);

/* Verifies the request's key and that it holds one of scopes. STEP_GO_ON with req->who
 * set, or the step of a 401/403/503. */
enum step auth_check(struct request *req, unsigned scopes);

#endif
