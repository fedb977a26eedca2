/* test_contract.c - a walk over every route of the route table through Prism
 * (@stoplight/prism-cli) in proxy mode against the live server. Prism checks each answer
 * against openapi.yaml and reports problems in an sl-violations header; any violation of
 * a response fails the run (request violations are expected where the walk sends bad
 * input on purpose). The walk must reach every route with a 2xx answer. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "dispatch/routes.h"
#include "harness.h"

enum who { NOBODY, ADMIN_TOKEN_AUTH, ADMIN_KEY, READ_KEY };

struct walk_step {
	const char *method;
	const char *path; /* "{key_id}" is replaced by the key the walk created */
	enum who who;
	const char *content_type;
	const char *body;
	int status;
	const char *headers; /* extra header lines, "\r\n"-separated (webhook signatures) */
};

#define WALK_SHOPIFY_BODY "{\"id\":42,\"email\":\"walk@example.com\"}"
/* base64(HMAC-SHA256("walk-secret-0123", WALK_SHOPIFY_BODY)) */
#define WALK_SHOPIFY_SIG "VjahvRTnGVO7DM/OP8Avjjq3cO/HDEdUWiofEPvnxjg="

/* Most steps send no extra header and leave the last field out. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct walk_step walk[] = {
    {"GET", "/healthz", NOBODY, NULL, NULL, 200},
    {"GET", "/healthz?verbose=1", NOBODY, NULL, NULL, 400},
    {"GET", "/readyz", NOBODY, NULL, NULL, 200},
    {"GET", "/metrics", NOBODY, NULL, NULL, 200},
    {"GET", "/openapi.yaml", NOBODY, NULL, NULL, 200},
    {"GET", "/dashboard", NOBODY, NULL, NULL, 200},
    {"GET", "/dashboard/dashboard.js", NOBODY, NULL, NULL, 200},
    {"GET", "/dashboard/dashboard.css", NOBODY, NULL, NULL, 200},
    {"GET", "/dashboard/uPlot.iife.min.js", NOBODY, NULL, NULL, 200},
    {"GET", "/dashboard/uPlot.min.css", NOBODY, NULL, NULL, 200},
    {"GET", "/widget/nps.js", NOBODY, NULL, NULL, 200},
    {"GET", "/v1/identity-verification", ADMIN_KEY, NULL, NULL, 200},
    {"GET", "/v1/identity-verification", READ_KEY, NULL, NULL, 403},
    {"PUT", "/v1/identity-verification", ADMIN_KEY, "application/json", "{\"required\":true}", 200},
    {"PUT", "/v1/identity-verification", ADMIN_KEY, "application/json", "{\"required\":1}", 422},
    {"PUT", "/v1/identity-verification", ADMIN_KEY, "application/json", "{\"required\":", 400},
    {"POST", "/v1/identity-verification/secrets", ADMIN_KEY, NULL, NULL, 201},
    {"POST", "/v1/identity-verification/secrets", ADMIN_KEY, NULL, NULL, 409},
    {"DELETE", "/v1/identity-verification/secrets/{identity_id}", ADMIN_KEY, NULL, NULL, 204},
    {"DELETE", "/v1/identity-verification/secrets/{identity_id}", ADMIN_KEY, NULL, NULL, 404},
    {"PUT", "/v1/identity-verification", ADMIN_KEY, "application/json", "{\"required\":false}",
     200},
    {"POST", "/v1/admin/tenants", ADMIN_TOKEN_AUTH, "application/json", "{\"name\":\"Walk 2\"}",
     201},
    {"POST", "/v1/admin/tenants", ADMIN_TOKEN_AUTH, "application/json", "{\"name\":\"\"}", 422},
    {"POST", "/v1/admin/tenants", ADMIN_TOKEN_AUTH, "application/json", "{\"name\":", 400},
    {"POST", "/v1/admin/tenants", ADMIN_TOKEN_AUTH, "text/plain", "name", 415},
    {"POST", "/v1/admin/tenants", NOBODY, "application/json", "{\"name\":\"x\"}", 401},
    {"POST", "/v1/keys", ADMIN_KEY, "application/json",
     "{\"name\":\"walk\",\"scopes\":[\"read\",\"points\"]}", 201},
    {"POST", "/v1/keys", ADMIN_KEY, "application/json", "{\"name\":7,\"scopes\":[]}", 422},
    {"POST", "/v1/keys", READ_KEY, "application/json", "{\"name\":\"x\",\"scopes\":[\"read\"]}",
     403},
    {"POST", "/v1/keys", NOBODY, "application/json", "{\"name\":\"x\",\"scopes\":[\"read\"]}", 401},
    {"GET", "/v1/keys", ADMIN_KEY, NULL, NULL, 200},
    {"GET", "/v1/keys?limit=1", ADMIN_KEY, NULL, NULL, 200},
    {"GET", "/v1/keys?limit=0", ADMIN_KEY, NULL, NULL, 400},
    {"GET", "/v1/keys", READ_KEY, NULL, NULL, 403},
    {"DELETE", "/v1/keys/{key_id}", ADMIN_KEY, NULL, NULL, 204},
    {"DELETE", "/v1/keys/00000000-0000-0000-0000-000000000000", ADMIN_KEY, NULL, NULL, 404},
    {"DELETE", "/v1/keys/{key_id}", NOBODY, NULL, NULL, 401},
    {"PUT", "/v1/customers/walk%2F1", ADMIN_KEY, "application/json",
     "{\"email\":\"w@example.com\",\"name\":\"Walker\",\"tags\":[\"a\"],\"birthday\":"
     "\"1990-01-01\",\"signup_at\":\"2026-01-01T00:00:00Z\",\"attributes\":{\"k\":1},"
     "\"phone\":\"+1 555\"}",
     201},
    {"PUT", "/v1/customers/walk%2F1", ADMIN_KEY, "application/json", "{\"name\":\"Walker\"}", 200},
    {"PUT", "/v1/customers/walk%2F1", ADMIN_KEY, "application/json", "{\"email\":\"x\"}", 422},
    {"PUT", "/v1/customers/walk%2F1", READ_KEY, "application/json", "{}", 403},
    {"GET", "/v1/customers/walk%2F1", ADMIN_KEY, NULL, NULL, 200},
    {"GET", "/v1/customers/nobody", ADMIN_KEY, NULL, NULL, 404},
    {"GET", "/v1/customers", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/customers?limit=1&tag=a", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/customers?created_after=x", READ_KEY, NULL, NULL, 400},
    {"GET", "/v1/customers?frm=2026-01-01", READ_KEY, NULL, NULL, 400},
    {"GET", "/v1/customers?cursor=MQ", READ_KEY, NULL, NULL, 400},
    {"POST", "/v1/events", ADMIN_KEY, "application/json",
     "{\"id\":\"w1\",\"customer_id\":\"walk/1\",\"type\":\"order\",\"occurred_at\":"
     "\"2026-01-02T00:00:00Z\",\"amount\":\"9.99\",\"currency\":\"EUR\",\"order_id\":\"o1\","
     "\"properties\":{\"p\":true}}",
     200},
    {"POST", "/v1/events", ADMIN_KEY, "application/json",
     "{\"events\":[{\"customer_id\":\"walk/1\",\"type\":\"visit\",\"occurred_at\":"
     "\"2026-01-03T00:00:00Z\"},{\"id\":\"w1\",\"customer_id\":\"walk/1\",\"type\":"
     "\"visit\",\"occurred_at\":\"2026-01-03T00:00:00Z\"}]}",
     200},
    {"POST", "/v1/events", ADMIN_KEY, "application/json",
     "{\"customer_id\":\"walk/1\",\"type\":\"order\",\"occurred_at\":\"2026-01-02T00:00:00Z\"}",
     422},
    {"POST", "/v1/events", READ_KEY, "application/json", "{}", 403},
    {"GET", "/v1/customers/walk%2F1/events", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/customers/walk%2F1/events?limit=1&type=visit", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/customers/walk%2F1/events?from=bad", READ_KEY, NULL, NULL, 400},
    {"GET", "/v1/customers/nobody/events", READ_KEY, NULL, NULL, 404},
    {"GET", "/v1/customers/walk%2F1/export", READ_KEY, NULL, NULL, 200},
    {"DELETE", "/v1/customers/walk%2F1", READ_KEY, NULL, NULL, 403},
    {"DELETE", "/v1/customers/walk%2F1", ADMIN_KEY, NULL, NULL, 204},
    {"DELETE", "/v1/customers/walk%2F1", ADMIN_KEY, NULL, NULL, 404},
    {"GET", "/v1/customers/walk%2F1/export", READ_KEY, NULL, NULL, 404},
    {"POST", "/v1/surveys", ADMIN_KEY, "application/json",
     "{\"name\":\"CSAT\",\"kind\":\"csat\",\"question\":\"Happy?\"}", 201},
    {"POST", "/v1/surveys", ADMIN_KEY, "application/json", "{\"name\":\"x\",\"kind\":\"ces\"}",
     422},
    {"POST", "/v1/surveys", READ_KEY, "application/json", "{}", 403},
    {"GET", "/v1/surveys", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/surveys?limit=1", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/surveys/{survey_id}", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/surveys/00000000-0000-0000-0000-000000000000", READ_KEY, NULL, NULL, 404},
    {"POST", "/v1/surveys/{survey_id}/responses", ADMIN_KEY, "application/json",
     "{\"id\":\"wr1\",\"customer_id\":\"walker\",\"score\":9,\"comment\":\"Great\","
     "\"channel\":\"web\",\"answers\":[\"fast\"],\"responded_at\":\"2026-05-01T00:00:00Z\"}",
     201},
    {"POST", "/v1/surveys/{survey_id}/responses", ADMIN_KEY, "application/json",
     "{\"id\":\"wr1\",\"customer_id\":\"walker\",\"score\":9,\"comment\":\"Great\","
     "\"channel\":\"web\",\"answers\":[\"fast\"],\"responded_at\":\"2026-05-01T00:00:00Z\"}",
     200},
    {"POST", "/v1/surveys/{survey_id}/responses", ADMIN_KEY, "application/json",
     "{\"id\":\"wr1\",\"score\":9}", 409},
    {"POST", "/v1/surveys/{survey_id}/responses", ADMIN_KEY, "application/json", "{\"score\":3}",
     201},
    {"POST", "/v1/surveys/{survey_id}/responses", ADMIN_KEY, "application/json", "{\"score\":12}",
     422},
    {"GET", "/v1/surveys/{survey_id}/responses", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/surveys/{survey_id}/responses?category=promoter&has_comment=true&q=great&limit=1",
     READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/surveys/{survey_id}/responses?category=fan", READ_KEY, NULL, NULL, 400},
    {"GET", "/v1/reports/nps", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/reports/nps?from=2026-04-01&to=2026-06-01&interval=week&tz=Europe/Zagreb",
     READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/reports/nps?survey_id={survey_id}&dedupe=latest&from=2026-04-01&to=2026-06-01",
     READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/reports/nps?interval=year", READ_KEY, NULL, NULL, 400},
    {"GET", "/v1/reports/csat?from=2026-01-01&to=2026-03-01&interval=month", READ_KEY, NULL, NULL,
     200},
    {"GET", "/v1/reports/csat?survey_id={survey_id}", READ_KEY, NULL, NULL, 400},
    {"GET", "/v1/program", ADMIN_KEY, NULL, NULL, 404},
    {"PUT", "/v1/program", ADMIN_KEY, "application/json",
     "{\"currency\":\"EUR\",\"points_per_unit\":1,\"event_points\":{\"review\":50},"
     "\"tiers\":[{\"name\":\"bronze\",\"threshold\":0},{\"name\":\"gold\",\"threshold\":"
     "1000,\"multiplier\":1.5}],\"expiry_days\":365,\"min_redeem\":100,\"point_value\":"
     "\"0.01\"}",
     200},
    {"PUT", "/v1/program", ADMIN_KEY, "application/json", "{\"currency\":\"EUR\"}", 422},
    {"PUT", "/v1/program?dry_run=true&limit=1", ADMIN_KEY, "application/json",
     "{\"currency\":\"EUR\",\"points_per_unit\":2,\"tiers\":[{\"name\":\"basic\","
     "\"threshold\":0}]}",
     200},
    {"PUT", "/v1/program?dry_run=maybe", ADMIN_KEY, "application/json",
     "{\"currency\":\"EUR\",\"points_per_unit\":2}", 400},

    {"GET", "/v1/program", ADMIN_KEY, NULL, NULL, 200},
    {"GET", "/v1/program", READ_KEY, NULL, NULL, 403},
    {"POST", "/v1/customers/walker/points/earn", ADMIN_KEY, "application/json",
     "{\"points\":500,\"reason\":\"welcome\",\"reference\":\"w\"}", 201},
    {"POST", "/v1/customers/walker/points/redeem", ADMIN_KEY, "application/json",
     "{\"points\":100}", 201},
    {"POST", "/v1/customers/walker/points/redeem", ADMIN_KEY, "application/json",
     "{\"points\":100000}", 409},
    {"POST", "/v1/customers/walker/points/adjust", ADMIN_KEY, "application/json",
     "{\"points\":-5,\"reason\":\"correction\"}", 201},
    {"POST", "/v1/customers/walker/points/earn", ADMIN_KEY, "application/json", "{\"points\":0}",
     422},
    {"GET", "/v1/customers/walker/points", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/customers/walker/points/history?limit=1", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/customers/nobody/points", READ_KEY, NULL, NULL, 404},
    {"POST", "/v1/rewards", ADMIN_KEY, "application/json",
     "{\"name\":\"Walk off\",\"points_cost\":50,\"kind\":\"fixed_amount\",\"amount\":\"5\","
     "\"currency\":\"EUR\",\"stock\":100}",
     201},
    {"POST", "/v1/rewards", ADMIN_KEY, "application/json",
     "{\"name\":\"Zero\",\"points_cost\":0,\"kind\":\"custom\"}", 422},
    {"POST", "/v1/rewards", READ_KEY, "application/json", "{}", 403},
    {"GET", "/v1/rewards", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/rewards/{reward_id}", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/rewards/00000000-0000-0000-0000-000000000000", READ_KEY, NULL, NULL, 404},
    {"PATCH", "/v1/rewards/{reward_id}", ADMIN_KEY, "application/json",
     "{\"description\":\"walk pool\"}", 200},
    {"PATCH", "/v1/rewards/{reward_id}", ADMIN_KEY, "application/json", "{\"stock\":-1}", 422},
    {"POST", "/v1/rewards/{reward_id}/codes", ADMIN_KEY, "text/csv", "code\nwalk-3\n", 201},
    {"POST", "/v1/rewards/{reward_id}/codes", ADMIN_KEY, "text/csv", "no good\n", 422},
    {"POST", "/v1/rewards/{reward_id}/codes", ADMIN_KEY, "application/json", "{\"count\":2}", 201},
    {"POST", "/v1/rewards/{reward_id}/codes", ADMIN_KEY, "application/json", "{\"count\":0}", 422},
    {"GET", "/v1/rewards/{reward_id}/codes?limit=1&status=available", ADMIN_KEY, NULL, NULL, 200},
    {"GET", "/v1/rewards/{reward_id}/codes?status=lost", ADMIN_KEY, NULL, NULL, 400},
    {"POST", "/v1/customers/walker/rewards/{reward_id}/redeem", ADMIN_KEY, NULL, NULL, 201},
    {"POST", "/v1/customers/walker/rewards/{reward2_id}/redeem", ADMIN_KEY, NULL, NULL, 409},
    {"POST", "/v1/customers/nobody/rewards/{reward_id}/redeem", ADMIN_KEY, NULL, NULL, 404},
    {"GET", "/v1/customers/walker/coupons?limit=5", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/coupons/walk-1", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/coupons/NO-SUCH", READ_KEY, NULL, NULL, 404},
    {"POST", "/v1/coupons/WALK-1/use", ADMIN_KEY, "application/json", "{\"order_id\":\"w-1\"}",
     200},
    {"POST", "/v1/coupons/WALK-1/use", ADMIN_KEY, "application/json", "{\"order_id\":\"w-2\"}",
     409},
    {"POST", "/v1/coupons/WALK-1/use", ADMIN_KEY, "application/json", "{}", 422},
    {"DELETE", "/v1/rewards/{reward_id}", ADMIN_KEY, NULL, NULL, 409},
    {"DELETE", "/v1/rewards/{reward2_id}", ADMIN_KEY, NULL, NULL, 204},
    {"DELETE", "/v1/rewards/{reward2_id}", ADMIN_KEY, NULL, NULL, 404},
    {"GET", "/v1/reports/points?tz=Europe/Zagreb", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/reports/rfm", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/reports/retention", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/reports/cohorts", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/reports/clv", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/reports/segments", READ_KEY, NULL, NULL, 200},
    {"POST", "/v1/webhook-sources", ADMIN_KEY, "application/json",
     "{\"kind\":\"woocommerce\",\"shop\":\"https://walk.example.com\",\"secret\":"
     "\"walk-woo-secret\"}",
     201},
    {"POST", "/v1/webhook-sources", ADMIN_KEY, "application/json",
     "{\"kind\":\"woocommerce\",\"shop\":\"https://walk.example.com\",\"secret\":"
     "\"walk-woo-secret\"}",
     409},
    {"POST", "/v1/webhook-sources", ADMIN_KEY, "application/json",
     "{\"kind\":\"bigcommerce\",\"shop\":\"x\",\"secret\":\"s\"}", 422},
    {"POST", "/v1/webhook-sources", READ_KEY, "application/json", "{}", 403},
    {"GET", "/v1/webhook-sources", ADMIN_KEY, NULL, NULL, 200},
    {"GET", "/v1/webhook-sources/{source_id}", ADMIN_KEY, NULL, NULL, 200},
    {"GET", "/v1/webhook-sources/00000000-0000-0000-0000-000000000000", ADMIN_KEY, NULL, NULL, 404},
    {"POST", "/v1/webhook-sources/{source_id}/secrets", ADMIN_KEY, "application/json",
     "{\"secret\":\"walk-secret-4567\"}", 201},
    {"POST", "/v1/webhook-sources/{source_id}/secrets", ADMIN_KEY, "application/json",
     "{\"secret\":\"walk-secret-89ab\"}", 409},
    {"POST", "/v1/webhooks/shopify/{tenant_id}", NOBODY, "application/json", WALK_SHOPIFY_BODY, 200,
     "X-Shopify-Topic: customers/create\r\nX-Shopify-Event-Id: walk-1\r\n"
     "X-Shopify-Hmac-Sha256: " WALK_SHOPIFY_SIG},
    {"POST", "/v1/webhooks/shopify/{tenant_id}", NOBODY, "application/json", WALK_SHOPIFY_BODY, 200,
     "X-Shopify-Topic: customers/create\r\nX-Shopify-Event-Id: walk-1\r\n"
     "X-Shopify-Hmac-Sha256: " WALK_SHOPIFY_SIG},
    {"POST", "/v1/webhooks/shopify/{tenant_id}", NOBODY, "application/json", "{\"id\":43}", 401,
     "X-Shopify-Topic: customers/create\r\nX-Shopify-Hmac-Sha256: " WALK_SHOPIFY_SIG},
    {"POST", "/v1/webhooks/shopify/{tenant_id}", NOBODY, "application/json", "{\"id\":44}", 401},
    {"POST", "/v1/webhooks/woocommerce/{tenant_id}", NOBODY, "application/x-www-form-urlencoded",
     "webhook_id=12", 200},
    {"DELETE", "/v1/webhook-sources/{source_id}/secrets/{secret_id}", ADMIN_KEY, NULL, NULL, 204},
    {"DELETE", "/v1/webhook-sources/{source_id}/secrets/{secret_id}", ADMIN_KEY, NULL, NULL, 404},
    {"DELETE", "/v1/webhook-sources/{source_id}", ADMIN_KEY, NULL, NULL, 204},
    {"DELETE", "/v1/webhook-sources/{source_id}", ADMIN_KEY, NULL, NULL, 404},
    {"GET", "/v1/segments/lapsed/customers?days=30&limit=2", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/segments/tier:gold/customers", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/segments/whales/customers", READ_KEY, NULL, NULL, 404},

    {"GET", "/v1/reports/clv?by=nps_category", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/reports/clv?by=tier", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/reports/clv?by=city", READ_KEY, NULL, NULL, 400},

    {"GET", "/v1/reports/cohorts?interval=week&from=2026-01-05&to=2026-03-02&tz=Europe/Zagreb",
     READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/reports/cohorts?interval=day", READ_KEY, NULL, NULL, 400},

    {"GET", "/v1/reports/retention?from=2025-01-01&to=2026-12-01&interval=month&window_days=90",
     READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/reports/retention?window_days=0", READ_KEY, NULL, NULL, 400},
    {"GET", "/v1/reports/retention?by=nps_category&interval=month", READ_KEY, NULL, NULL, 200},

    {"GET", "/v1/reports/rfm?as_of=2026-01-01&tz=Europe/Zagreb", READ_KEY, NULL, NULL, 200},
    {"GET", "/v1/reports/rfm?as_of=later", READ_KEY, NULL, NULL, 400},

    {"GET", "/v1/reports/points?from=2026-03-01&to=2026-01-01", READ_KEY, NULL, NULL, 400},

    {"POST", "/v1/event-endpoints", ADMIN_KEY, "application/json",
     "{\"url\":\"http://127.0.0.1:9/walk\",\"event_types\":[\"points.earned\","
     "\"survey.answered\"],\"enabled\":false,\"description\":\"walk\","
     "\"secret\":\"whsec_d2Fsay13YWxrLXdhbGstd2Fsay13YWxr\"}",
     201},
    {"POST", "/v1/event-endpoints", ADMIN_KEY, "application/json",
     "{\"url\":\"ftp://x.example/y\"}", 422},
    {"POST", "/v1/event-endpoints", ADMIN_KEY, "application/json", "{\"url\":", 400},
    {"POST", "/v1/event-endpoints", ADMIN_KEY, "text/plain", "url", 415},
    {"POST", "/v1/event-endpoints", READ_KEY, "application/json", "{}", 403},
    {"POST", "/v1/event-endpoints", NOBODY, "application/json", "{}", 401},
    {"GET", "/v1/event-endpoints", ADMIN_KEY, NULL, NULL, 200},
    {"GET", "/v1/event-endpoints", READ_KEY, NULL, NULL, 403},
    {"GET", "/v1/event-endpoints/{endpoint_id}", ADMIN_KEY, NULL, NULL, 200},
    {"GET", "/v1/event-endpoints/00000000-0000-0000-0000-000000000000", ADMIN_KEY, NULL, NULL, 404},
    {"PATCH", "/v1/event-endpoints/{endpoint_id}", ADMIN_KEY, "application/json",
     "{\"description\":\"walked\",\"event_types\":null,\"enabled\":false}", 200},
    {"PATCH", "/v1/event-endpoints/{endpoint_id}", ADMIN_KEY, "application/json",
     "{\"event_types\":[]}", 422},
    {"POST", "/v1/event-endpoints/{endpoint_id}/secret/rotate", ADMIN_KEY, "application/json",
     "{\"overlap_hours\":1}", 200},
    {"POST", "/v1/event-endpoints/{endpoint_id}/secret/rotate", ADMIN_KEY, "application/json",
     "{\"secret\":\"nope\"}", 422},
    {"GET", "/v1/event-endpoints/{endpoint_id}", ADMIN_KEY, NULL, NULL, 200},
    {"POST", "/v1/event-endpoints/{endpoint_id}/test", ADMIN_KEY, NULL, NULL, 202},
    {"POST", "/v1/event-endpoints/00000000-0000-0000-0000-000000000000/test", ADMIN_KEY, NULL, NULL,
     404},
    {"GET", "/v1/event-endpoints/{endpoint_id}/messages", ADMIN_KEY, NULL, NULL, 200},
    {"GET", "/v1/event-endpoints/{endpoint_id}/messages?limit=1&status=pending", ADMIN_KEY, NULL,
     NULL, 200},
    {"GET", "/v1/event-endpoints/{endpoint_id}/messages?status=lost", ADMIN_KEY, NULL, NULL, 400},
    {"POST", "/v1/event-endpoints/{endpoint_id}/messages/{message_id}/retry", ADMIN_KEY, NULL, NULL,
     202},
    {"POST", "/v1/event-endpoints/{endpoint_id}/messages/msg_999999999/retry", ADMIN_KEY, NULL,
     NULL, 404},
    {"POST", "/v1/event-endpoints/{endpoint_id}/replay", ADMIN_KEY, "application/json",
     "{\"from\":\"2026-01-01T00:00:00Z\"}", 202},
    {"POST", "/v1/event-endpoints/{endpoint_id}/replay", ADMIN_KEY, "application/json",
     "{\"from\":\"2030-01-01T00:00:00Z\",\"to\":\"2029-01-01T00:00:00Z\"}", 422},
    {"GET", "/v1/event-settings", ADMIN_KEY, NULL, NULL, 200},
    {"PUT", "/v1/event-settings", ADMIN_KEY, "application/json",
     "{\"tz\":\"Europe/Zagreb\",\"run_at\":\"06:30\",\"expiring_days\":14}", 200},
    {"PUT", "/v1/event-settings", ADMIN_KEY, "application/json",
     "{\"tz\":\"Nowhere/Land\",\"run_at\":\"06:30\",\"expiring_days\":14}", 422},
    {"GET", "/v1/event-settings", ADMIN_KEY, NULL, NULL, 200},
    {"GET", "/v1/event-settings", READ_KEY, NULL, NULL, 403},
    {"DELETE", "/v1/event-endpoints/{endpoint_id}", ADMIN_KEY, NULL, NULL, 204},
    {"DELETE", "/v1/event-endpoints/{endpoint_id}", ADMIN_KEY, NULL, NULL, 404},
};
#pragma GCC diagnostic pop

static struct fixture fx;
static pid_t prism_pid;
static int prism_port;
static char read_key[64], read_key_id[37], key_id[37], survey_id[37];
static char source_id[37], secret_id[37], identity_id[37], endpoint_id[37], message_id[32];
static char reward_id[37], reward2_id[37];

/* Replaces {key_id} and {survey_id} in a step's path with the ids the walk made. */
static void fill_path(const char *pattern, char *out, size_t cap)
{
	static const struct {
		const char *hole;
		const char *value;
	} holes[] = {{"{key_id}", key_id},           {"{survey_id}", survey_id},
	             {"{tenant_id}", fx.tenant},     {"{source_id}", source_id},
	             {"{secret_id}", secret_id},     {"{identity_id}", identity_id},
	             {"{endpoint_id}", endpoint_id}, {"{message_id}", message_id},
	             {"{reward_id}", reward_id},     {"{reward2_id}", reward2_id}};
	snprintf(out, cap, "%s", pattern);
	for (size_t i = 0; i < sizeof(holes) / sizeof(holes[0]); i++) {
		char *at = strstr(out, holes[i].hole);
		if (!at)
			continue;
		char rest[256];
		snprintf(rest, sizeof(rest), "%s", at + strlen(holes[i].hole));
		snprintf(at, cap - (size_t)(at - out), "%s%s", holes[i].value, rest);
	}
}

static void start_prism(void)
{
	char target[64], port[16];
	const char *prism = getenv("LOYALTYD_TEST_PRISM");
	const char *spec = getenv("LOYALTYD_TEST_OPENAPI");
	assert_non_null(prism);
	assert_non_null(spec);
	prism_port = free_port();
	snprintf(target, sizeof(target), "http://127.0.0.1:%d", fx.srv.port);
	snprintf(port, sizeof(port), "%d", prism_port);
	prism_pid = fork();
	if (prism_pid == 0) {
		if (!freopen("prism.log", "w", stdout) || !freopen("prism.log", "a", stderr))
			_exit(127);
		execl(prism, prism, "proxy", spec, target, "-h", "127.0.0.1", "-p", port,
		      (char *)NULL);
		_exit(127);
	}
	long deadline = now_ms() + 60000;
	while (now_ms() < deadline) {
		struct response r;
		if (http(prism_port, "GET", "/healthz", NULL, NULL, &r) == 0) {
			int ok = r.status == 200;
			response_free(&r);
			if (ok)
				return;
		}
		usleep(200000);
	}
	fail_msg("prism did not start; see prism.log");
}

static int setup(void **state)
{
	/* event endpoints on http://127.0.0.1 (nothing listens on port 9) */
	static const char *const env[] = {"LOYALTYD_OUTBOUND_ALLOW_PRIVATE=1", NULL};
	fixture_setup(state, &fx, env, "Walk");
	char victim[64];
	create_key(fx.srv.port, fx.key, "[\"read\"]", read_key, read_key_id);
	create_key(fx.srv.port, fx.key, "[\"points\"]", victim, key_id); /* revoked by the walk */
	json_t *j = api_json(fx.srv.port, fx.key, "POST", "/v1/surveys",
	                     "{\"name\":\"Walk\",\"kind\":\"nps\",\"question\":\"Q?\","
	                     "\"follow_up_questions\":[\"Why?\"]}",
	                     201);
	snprintf(survey_id, sizeof(survey_id), "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
	/* a Shopify source whose first secret signs the walk's deliveries */
	j = api_json(fx.srv.port, fx.key, "POST", "/v1/webhook-sources",
	             "{\"kind\":\"shopify\",\"shop\":\"walk.myshopify.com\",\"secret\":"
	             "\"walk-secret-0123\"}",
	             201);
	snprintf(source_id, sizeof(source_id), "%s", json_string_value(json_object_get(j, "id")));
	snprintf(secret_id, sizeof(secret_id), "%s",
	         json_string_value(
	             json_object_get(json_array_get(json_object_get(j, "secrets"), 0), "id")));
	json_decref(j);
	j = api_json(fx.srv.port, fx.key, "POST", "/v1/identity-verification/secrets", NULL, 201);
	snprintf(identity_id, sizeof(identity_id), "%s",
	         json_string_value(json_object_get(j, "id")));
	json_decref(j);
	/* an event endpoint (disabled: no delivery changes it during the walk) and a message */
	j = api_json(fx.srv.port, fx.key, "POST", "/v1/event-endpoints",
	             "{\"url\":\"http://127.0.0.1:9/walk\",\"enabled\":false}", 201);
	snprintf(endpoint_id, sizeof(endpoint_id), "%s",
	         json_string_value(json_object_get(j, "id")));
	json_decref(j);
	char path[128];
	snprintf(path, sizeof(path), "/v1/event-endpoints/%s/test", endpoint_id);
	j = api_json(fx.srv.port, fx.key, "POST", path, NULL, 202);
	snprintf(message_id, sizeof(message_id), "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);

	/* a pool reward whose oldest code is WALK-1, and one out of stock (deleted by the walk) */
	j = api_json(fx.srv.port, fx.key, "POST", "/v1/rewards",
	             "{\"name\":\"Walk pool\",\"points_cost\":50,\"kind\":\"free_shipping\","
	             "\"codes\":\"pool\",\"coupon_valid_days\":30}",
	             201);
	snprintf(reward_id, sizeof(reward_id), "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
	j = api_json(fx.srv.port, fx.key, "POST", "/v1/rewards",
	             "{\"name\":\"Walk none\",\"points_cost\":50,\"kind\":\"custom\",\"stock\":0}",
	             201);
	snprintf(reward2_id, sizeof(reward2_id), "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
	struct response r;
	const char *csv[] = {"Content-Type: text/csv", NULL};
	snprintf(path, sizeof(path), "/v1/rewards/%s/codes", reward_id);
	if (call_as(fx.srv.port, fx.key, "POST", path, "WALK-1\nWALK-2\n", csv, &r) != 0 ||
	    r.status != 201)
		fail_msg("the walk's pool: %d", r.status);
	response_free(&r);

	start_prism();
	return 0;
}

static int teardown(void **state)
{
	if (prism_pid > 0) {
		kill(prism_pid, SIGTERM);
		waitpid(prism_pid, NULL, 0);
	}
	return fixture_teardown(state);
}

/* Returns the number of sl-violations entries located in the response. */
static size_t response_violations(const struct response *r, char *what, size_t whatlen)
{
	const char *header = response_header(r, "sl-violations");
	size_t n = 0;
	if (!header)
		return 0;
	json_t *list = json_loads(header, 0, NULL);
	size_t i;
	json_t *v;
	json_array_foreach (list, i, v) {
		const char *where =
		    json_string_value(json_array_get(json_object_get(v, "location"), 0));
		if (where && strcmp(where, "response") == 0) {
			snprintf(what, whatlen, "%s",
			         json_string_value(json_object_get(v, "message")));
			n++;
		}
	}
	json_decref(list);
	return n;
}

static void every_route_answers_as_the_spec_says(void **state)
{
	bool reached[256] = {false};
	(void)state;
	for (size_t s = 0; s < sizeof(walk) / sizeof(walk[0]); s++) {
		const struct walk_step *st = &walk[s];
		char path[256], ctype[96], what[512] = "";
		const char *headers[3] = {NULL, NULL, NULL};
		int nh = 0;
		fill_path(st->path, path, sizeof(path));
		const char *key = st->who == NOBODY             ? NULL
		                  : st->who == ADMIN_TOKEN_AUTH ? ADMIN_TOKEN
		                  : st->who == ADMIN_KEY        ? fx.key
		                                                : read_key;
		if (st->content_type) {
			snprintf(ctype, sizeof(ctype), "Content-Type: %s", st->content_type);
			headers[nh++] = ctype;
		}
		if (st->headers)
			headers[nh++] = st->headers;
		struct response r;
		assert_int_equal(call_as(prism_port, key, st->method, path, st->body, headers, &r),
		                 0);
		if (r.status != st->status)
			fail_msg("%s %s: status %d, expected %d: %s", st->method, path, r.status,
			         st->status, r.body);
		if (response_violations(&r, what, sizeof(what)) > 0)
			fail_msg("%s %s answered %d against the spec: %s", st->method, path,
			         r.status, what);
		response_free(&r);

		struct router_match m;
		char bare[256];
		snprintf(bare, sizeof(bare), "%.*s", (int)strcspn(path, "?"), path);
		if (router_match(routes, routes_count, st->method, bare, &m) == ROUTER_MATCH &&
		    st->status >= 200 && st->status < 300)
			reached[m.index] = true;
	}
	for (size_t i = 0; i < routes_count; i++)
		if (!reached[i])
			fail_msg("the contract walk never reached %s %s with a 2xx",
			         routes[i].method, routes[i].pattern);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_route_answers_as_the_spec_says),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
