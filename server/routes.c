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
    {"GET", "/v1/customers", AUTH_KEY, SCOPE_READ, handle_customer_list},
    {"PUT", "/v1/customers/{external_id}", AUTH_KEY, SCOPE_INGEST, handle_customer_put},
    {"GET", "/v1/customers/{external_id}", AUTH_KEY, SCOPE_READ, handle_customer_get},
    {"DELETE", "/v1/customers/{external_id}", AUTH_KEY, SCOPE_ADMIN, handle_customer_erase},
    {"GET", "/v1/customers/{external_id}/export", AUTH_KEY, SCOPE_READ, handle_customer_export},
    {"GET", "/v1/customers/{external_id}/events", AUTH_KEY, SCOPE_READ, handle_customer_events},
    {"POST", "/v1/events", AUTH_KEY, SCOPE_INGEST, handle_events_post},
    {"POST", "/v1/surveys", AUTH_KEY, SCOPE_ADMIN, handle_survey_create},
    {"GET", "/v1/surveys", AUTH_KEY, SCOPE_READ, handle_survey_list},
    {"GET", "/v1/surveys/{id}", AUTH_KEY, SCOPE_READ, handle_survey_get},
    {"POST", "/v1/surveys/{id}/responses", AUTH_KEY, SCOPE_RESPOND | SCOPE_INGEST,
     handle_response_create},
    {"GET", "/v1/surveys/{id}/responses", AUTH_KEY, SCOPE_READ, handle_response_list},
    {"GET", "/v1/reports/nps", AUTH_KEY, SCOPE_READ, handle_report_nps},
    {"GET", "/v1/reports/csat", AUTH_KEY, SCOPE_READ, handle_report_csat},
    {"PUT", "/v1/program", AUTH_KEY, SCOPE_ADMIN, handle_program_put},
    {"GET", "/v1/program", AUTH_KEY, SCOPE_ADMIN, handle_program_get},

};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
