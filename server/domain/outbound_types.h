/* outbound_types.h - the types of outbound events an endpoint may subscribe to
 * (docs/events.md). endpoint.test, sent by POST /v1/event-endpoints/{id}/test, is not one:
 * every endpoint gets its test. Pure code. */
#ifndef LOYALTYD_OUTBOUND_TYPES_H
#define LOYALTYD_OUTBOUND_TYPES_H

#include <stdbool.h>

#define OUTBOUND_TYPES_MAX 32 /* at most this many in one endpoint's list */

/* The types, NULL-terminated, in the order the documentation lists them. */
extern const char *const outbound_types[];

/* True when type is one of outbound_types. */
bool outbound_type_known(const char *type);

#endif
