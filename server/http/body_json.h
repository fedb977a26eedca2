/* body_json.h - a request's body as JSON (body_json.c). */
#ifndef LOYALTYD_BODY_JSON_H
#define LOYALTYD_BODY_JSON_H

#include <jansson.h>

#include "http/request.h"

/* Parses the body as a JSON object or array: Content-Type must be application/json (415),
 * syntax valid with no duplicate keys (400), nesting at most HTTP_JSON_MAX_DEPTH (400).
 * Returns a new reference, or NULL after making the problem reply. */
json_t *http_body_json(struct request *req);

#define HTTP_JSON_MAX_DEPTH 32

#endif
