/* routes.c - the static route table. */
#include "routes.h"

#include "handlers.h"

const struct route routes[] = {
    {"GET", "/healthz", AUTH_NONE, 0, handle_healthz, 0},
    {"GET", "/readyz", AUTH_NONE, 0, handle_readyz, 0},
    {"GET", "/metrics", AUTH_NONE, 0, handle_metrics, 0},
    {"GET", "/openapi.yaml", AUTH_NONE, 0, handle_openapi, 0},
    {"POST", "/v1/admin/tenants", AUTH_ADMIN_TOKEN, 0, handle_tenant_create, 0},
    {"POST", "/v1/keys", AUTH_KEY, SCOPE_ADMIN, handle_key_create, 0},
    {"GET", "/v1/keys", AUTH_KEY, SCOPE_ADMIN, handle_key_list, 0},
    {"DELETE", "/v1/keys/{id}", AUTH_KEY, SCOPE_ADMIN, handle_key_revoke, 0},
    {"GET", "/v1/customers", AUTH_KEY, SCOPE_READ, handle_customer_list, 0},
    {"PUT", "/v1/customers/{external_id}", AUTH_KEY, SCOPE_INGEST, handle_customer_put, 0},
    {"GET", "/v1/customers/{external_id}", AUTH_KEY, SCOPE_READ, handle_customer_get, 0},
    {"DELETE", "/v1/customers/{external_id}", AUTH_KEY, SCOPE_ADMIN, handle_customer_erase, 0},
    {"GET", "/v1/customers/{external_id}/export", AUTH_KEY, SCOPE_READ, handle_customer_export, 0},
    {"GET", "/v1/customers/{external_id}/events", AUTH_KEY, SCOPE_READ, handle_customer_events, 0},
    {"POST", "/v1/events", AUTH_KEY, SCOPE_INGEST, handle_events_post, ROUTE_IDEMPOTENT},
    {"POST", "/v1/surveys", AUTH_KEY, SCOPE_ADMIN, handle_survey_create, 0},
    {"GET", "/v1/surveys", AUTH_KEY, SCOPE_READ, handle_survey_list, 0},
    {"GET", "/v1/surveys/{id}", AUTH_KEY, SCOPE_READ, handle_survey_get, 0},
    {"POST", "/v1/surveys/{id}/responses", AUTH_KEY, SCOPE_RESPOND | SCOPE_INGEST,
     handle_response_create, 0},
    {"GET", "/v1/surveys/{id}/responses", AUTH_KEY, SCOPE_READ, handle_response_list, 0},
    {"GET", "/v1/reports/nps", AUTH_KEY, SCOPE_READ, handle_report_nps, 0},
    {"GET", "/v1/reports/csat", AUTH_KEY, SCOPE_READ, handle_report_csat, 0},
    {"GET", "/v1/reports/points", AUTH_KEY, SCOPE_READ, handle_report_points, 0},
    {"GET", "/v1/reports/retention", AUTH_KEY, SCOPE_READ, handle_report_retention, 0},
    {"GET", "/v1/reports/cohorts", AUTH_KEY, SCOPE_READ, handle_report_cohorts, 0},
    {"GET", "/v1/reports/clv", AUTH_KEY, SCOPE_READ, handle_report_clv, 0},
    {"GET", "/v1/reports/segments", AUTH_KEY, SCOPE_READ, handle_report_segments, 0},
    {"GET", "/v1/segments/{name}/customers", AUTH_KEY, SCOPE_READ, handle_segment_customers, 0},
    {"GET", "/v1/reports/rfm", AUTH_KEY, SCOPE_READ, handle_report_rfm, 0},

    {"PUT", "/v1/program", AUTH_KEY, SCOPE_ADMIN, handle_program_put, 0},
    {"GET", "/v1/program", AUTH_KEY, SCOPE_ADMIN, handle_program_get, 0},
    {"GET", "/v1/customers/{external_id}/points", AUTH_KEY, SCOPE_READ | SCOPE_POINTS,
     handle_points_get, 0},
    {"GET", "/v1/customers/{external_id}/points/history", AUTH_KEY, SCOPE_READ | SCOPE_POINTS,
     handle_points_history, 0},
    {"POST", "/v1/customers/{external_id}/points/earn", AUTH_KEY, SCOPE_POINTS, handle_points_earn,
     ROUTE_IDEMPOTENT},
    {"POST", "/v1/customers/{external_id}/points/redeem", AUTH_KEY, SCOPE_POINTS,
     handle_points_redeem, ROUTE_IDEMPOTENT},
    {"POST", "/v1/customers/{external_id}/points/adjust", AUTH_KEY, SCOPE_ADMIN,
     handle_points_adjust, ROUTE_IDEMPOTENT},

    {"POST", "/v1/webhook-sources", AUTH_KEY, SCOPE_ADMIN, handle_webhook_source_create, 0},
    {"GET", "/v1/webhook-sources", AUTH_KEY, SCOPE_ADMIN, handle_webhook_source_list, 0},
    {"GET", "/v1/webhook-sources/{id}", AUTH_KEY, SCOPE_ADMIN, handle_webhook_source_get, 0},
    {"DELETE", "/v1/webhook-sources/{id}", AUTH_KEY, SCOPE_ADMIN, handle_webhook_source_delete, 0},
    {"POST", "/v1/webhook-sources/{id}/secrets", AUTH_KEY, SCOPE_ADMIN, handle_webhook_secret_add,
     0},
    {"DELETE", "/v1/webhook-sources/{id}/secrets/{secret_id}", AUTH_KEY, SCOPE_ADMIN,
     handle_webhook_secret_delete, 0},
    {"POST", "/v1/webhooks/shopify/{tenant_id}", AUTH_NONE, 0, handle_webhook_shopify, 0},
    {"POST", "/v1/webhooks/woocommerce/{tenant_id}", AUTH_NONE, 0, handle_webhook_woocommerce, 0},

};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
