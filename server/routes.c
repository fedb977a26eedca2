/* routes.c - the static route table. */
#include "routes.h"

#include "handlers.h"

const struct route routes[] = {
    {"GET", "/healthz", AUTH_NONE, 0, handle_healthz},
    {"GET", "/readyz", AUTH_NONE, 0, handle_readyz},
    {"GET", "/metrics", AUTH_NONE, 0, handle_metrics},
    {"GET", "/openapi.yaml", AUTH_NONE, 0, handle_openapi},
    {"POST", "/v1/admin/tenants", AUTH_ADMIN_TOKEN, 0, handle_tenant_create},
    {"POST", "/v1/keys", AUTH_KEY, SCOPE_ADMIN, handle_key_create},
    {"GET", "/v1/keys", AUTH_KEY, SCOPE_ADMIN, handle_key_list},
    {"DELETE", "/v1/keys/{id}", AUTH_KEY, SCOPE_ADMIN, handle_key_revoke},
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
