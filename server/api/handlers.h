/* handlers.h - route handlers: HTTP ↔ domain only. Each reads the request (request.h),
 * calls a store, and answers exactly once (http.h, problem.h). Grouped by resource:
 * handlers_system.c, handlers_keys.c, handlers_tenants.c. */
#ifndef LOYALTYD_HANDLERS_H
#define LOYALTYD_HANDLERS_H

#include <jansson.h>

#include "base/cursor.h"
#include "base/page.h"
#include "http/request.h"
#include "store/db.h"
#include "store/store_customer_pages.h"

enum step handle_healthz(struct request *req);
enum step handle_readyz(struct request *req);
enum step handle_metrics(struct request *req);
enum step handle_openapi(struct request *req);

enum step handle_tenant_create(struct request *req);

enum step handle_key_create(struct request *req);
enum step handle_key_list(struct request *req);
enum step handle_key_revoke(struct request *req);

enum step handle_customer_put(struct request *req);
enum step handle_customer_get(struct request *req);
enum step handle_customer_list(struct request *req);
enum step handle_customer_erase(struct request *req);
enum step handle_customer_export(struct request *req);
enum step handle_customer_events(struct request *req);
enum step handle_events_post(struct request *req);
enum step handle_survey_create(struct request *req);
enum step handle_survey_list(struct request *req);
enum step handle_survey_get(struct request *req);
enum step handle_response_create(struct request *req);
enum step handle_response_list(struct request *req);
enum step handle_report_nps(struct request *req);
enum step handle_report_csat(struct request *req);
enum step handle_report_points(struct request *req);
enum step handle_report_rfm(struct request *req);
enum step handle_report_retention(struct request *req);
enum step handle_report_cohorts(struct request *req);
enum step handle_report_clv(struct request *req);
enum step handle_report_segments(struct request *req);
enum step handle_segment_customers(struct request *req);
enum step handle_program_put(struct request *req);
enum step handle_program_get(struct request *req);
enum step handle_points_get(struct request *req);
enum step handle_points_history(struct request *req);
enum step handle_points_earn(struct request *req);
enum step handle_points_redeem(struct request *req);
enum step handle_points_adjust(struct request *req);
enum step handle_webhook_source_create(struct request *req);
enum step handle_webhook_source_list(struct request *req);
enum step handle_webhook_source_get(struct request *req);
enum step handle_webhook_source_delete(struct request *req);
enum step handle_webhook_secret_add(struct request *req);
enum step handle_webhook_secret_delete(struct request *req);
enum step handle_webhook_shopify(struct request *req);
enum step handle_webhook_woocommerce(struct request *req);
enum step handle_identity_get(struct request *req);
enum step handle_identity_put(struct request *req);
enum step handle_identity_secret_add(struct request *req);
enum step handle_identity_secret_delete(struct request *req);
enum step handle_endpoint_create(struct request *req);
enum step handle_endpoint_list(struct request *req);
enum step handle_endpoint_get(struct request *req);
enum step handle_endpoint_patch(struct request *req);
enum step handle_endpoint_delete(struct request *req);
enum step handle_endpoint_rotate(struct request *req);
enum step handle_endpoint_messages(struct request *req);
enum step handle_endpoint_retry(struct request *req);
enum step handle_endpoint_replay(struct request *req);
enum step handle_endpoint_test(struct request *req);
enum step handle_reward_create(struct request *req);
enum step handle_reward_list(struct request *req);
enum step handle_reward_get(struct request *req);
enum step handle_reward_patch(struct request *req);
enum step handle_reward_delete(struct request *req);
enum step handle_reward_redeem(struct request *req);
enum step handle_reward_codes_add(struct request *req);
enum step handle_reward_codes_list(struct request *req);
enum step handle_coupon_get(struct request *req);
enum step handle_coupon_use(struct request *req);
enum step handle_customer_coupons(struct request *req);
enum step handle_event_settings_get(struct request *req);
enum step handle_event_settings_put(struct request *req);
/* GET /dashboard… and /widget/nps.js: the embedded web assets (handlers_static.c) */
enum step handle_static(struct request *req);

/* ---- shared by handlers (handlers_common.c) ---- */

/* ?limit= and ?cursor= of a list. */
struct page_params {
	int limit;                    /* 1..1000, default 100 */
	char cursor[CURSOR_MAX];      /* the position the cursor holds, "" when absent */
	char scope[CURSOR_SCOPE_MAX]; /* what this list's cursors are bound to (query.h) */
};

/* Parses ?limit= and ?cursor= of the list named list (a cursor_scope name: "customers"),
 * and sets p->scope, with which the store encodes the next page's cursor. A cursor is
 * taken only from this list (same route and path parameters) with the same filters (the
 * route's other query parameters, and extra when not NULL: what else the page depends
 * on). Returns STEP_GO_ON, or a step that ended the request (a 400 naming the parameter). */
enum step handlers_page_params(struct request *req, const char *list, const char *extra,
                               struct page_params *p);

/* handlers_page_params() for a list whose cursor is the last id seen: a cursor that is no
 * id is a 400 naming it. */
enum step handlers_id_page_params(struct request *req, const char *list, const char *extra,
                                  struct page_params *p);

/* The parameters of a list in time order: ?limit=, ?cursor=, ?from= and ?to=. */
struct time_page_params {
	struct page_params page;
	char from[32], to[32]; /* RFC 3339, "" when absent */
};

/* Parses limit, cursor, from and to of the list named list (as handlers_page_params).
 * STEP_GO_ON, or the step of a 400 naming the parameter. */
enum step handlers_time_page_params(struct request *req, const char *list,
                                    struct time_page_params *t);

/* Splits t's cursor (handlers_time_id_cursor) and writes the page a store reads into out.
 * STEP_GO_ON, or the step of a 400 naming the cursor. */
enum step handlers_time_page(struct request *req, struct time_page_params *t,
                             struct time_page *out);

/* Replies status with json, a JSON text the database rendered (malloc'd; the reply owns
 * and frees it). Returns as a handler does. */
enum step handlers_reply_json_text(struct request *req, int status, char *json);

/* Makes a 400 naming query parameter name. Returns as a handler does. */
enum step handlers_bad_parameter(struct request *req, const char *name, const char *message);

/* Makes a 400 "invalid-parameter" with detail and errors (an array of {"parameter",
 * "message"}; stolen, even on failure). Returns as handlers_bad_parameter does. */
enum step handlers_bad_parameters(struct request *req, json_t *errors, const char *detail);

/* A report's from or to bound from the query: RFC 3339 or a date YYYY-MM-DD (local
 * midnight in tz), 1970-2100; *out NULL when absent. STEP_GO_ON, or the step of a 400. */
enum step handlers_report_bound(struct request *req, const char *name, const char **out);

/* A report's tz: an IANA name's shape (PostgreSQL decides whether the zone exists);
 * "UTC" when absent. STEP_GO_ON, or the step of a 400. */
enum step handlers_report_tz(struct request *req, const char **tz);

/* A report's range: its from and to bounds (handlers_report_bound), then its tz
 * (handlers_report_tz). STEP_GO_ON, or the step of a 400. */
enum step handlers_report_range(struct request *req, const char **from, const char **to,
                                const char **tz);

/* A report's instant: its as_of bound (handlers_report_bound), then its tz. STEP_GO_ON,
 * or the step of a 400. */
enum step handlers_report_as_of(struct request *req, const char **as_of, const char **tz);

/* Answers a report's failed query: 400 naming tz when PostgreSQL refused the time zone
 * (DB_INVALID), else the problem of st. Returns as problem_db does. */
enum step handlers_report_failed(struct request *req, enum db_status st);

/* Parses query parameter name as an RFC 3339 time or a date (midnight UTC), 1970–2100,
 * into out (RFC 3339, "" when absent). STEP_GO_ON, or the step of a 400. */
enum step handlers_time_param(struct request *req, const char *name, char out[32]);

/* Reads path parameter name as an id of 1 to 128 characters of valid UTF-8. Returns it,
 * or NULL after making a 404 (such an id cannot exist). */
const char *handlers_external_id(struct request *req, const char *name);

/* Splits a "<RFC 3339 time>|<id>" cursor in p (in place) into *time and *id (both NULL
 * when there is no cursor). STEP_GO_ON, or the step of a 400 naming the cursor. */
enum step handlers_time_id_cursor(struct request *req, struct page_params *p, const char **time,
                                  const char **id);

/* Reads path parameter name as a UUID. Returns it, or NULL after making a 404 with
 * detail (an id of another form cannot exist). */
const char *handlers_uuid(struct request *req, const char *name, const char *detail);

/* The request's JSON body, checked to be an object holding only the members named in
 * fields (NULL-terminated): NULL after the reply to a body that is no JSON (415, 400,
 * 413); else the body, with *errors a new array holding what is wrong with its shape, in
 * which case json_is_object(body) tells whether its members may be read. */
json_t *handlers_body(struct request *req, const char *const *fields, json_t **errors);

/* Returns a new empty array to collect validation errors into. */
/* Answers one page of list (named list_name for its cursors) of the customer of the path's
 * {external_id}: 404 when there is none, 400 for a bad limit or cursor. */
enum step handlers_customer_page(struct request *req, const char *list_name,
                                 enum customer_list list);

#define handlers_errors() json_array()

#endif
