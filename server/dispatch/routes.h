/* routes.h - the route table of loyaltyd: every method, path, auth, scope and query
 * parameter. openapi.yaml must list exactly these (tests/unit/test_openapi_routes.c checks
 * both directions, the query parameters of each operation included). */
#ifndef LOYALTYD_ROUTES_H
#define LOYALTYD_ROUTES_H

#include <stddef.h>

#include "http/router.h"

extern const struct route routes[];
extern const size_t routes_count;

#endif
