/* event_input.h - validation of POST /v1/events bodies. Pure code: no I/O.
 *
 * A body is one event object or {"events": [...]} with 1 to EVENTS_MAX_BATCH events. Every
 * field is checked and every failure named by JSON pointer ("/events/17/amount"); valid
 * input becomes a normalised array the store passes to PostgreSQL as one parameter. */
#ifndef LOYALTYD_EVENT_INPUT_H
#define LOYALTYD_EVENT_INPUT_H

#include <jansson.h>
#include <stdbool.h>

#define EVENTS_MAX_BATCH 10000
#define EVENT_PROPERTIES_MAX_BYTES 16384
#define EVENT_PROPERTIES_MAX_DEPTH 8
#define EVENT_ID_MAX_CHARS 128
/* Past this many errors the rest of a batch is not examined: the answer stays small. */
#define EVENT_ERRORS_MAX 100

/* Validates body. Returns a new JSON array of normalised events (keys id, customer_id,
 * type, occurred_at as RFC 3339 UTC, amount as a decimal string, currency, order_id,
 * properties; absent optional fields omitted), or NULL with errors appended. */
json_t *event_input_parse(const json_t *body, json_t *errors);

/* Returns true for a valid event type: [a-z][a-z0-9_]{0,63}. */
bool event_input_type_ok(const char *type);

#endif
