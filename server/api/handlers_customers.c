/* handlers_customers.c - /v1/customers: upsert, read, list, erase, export, events. */
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "domain/customer_input.h"
#include "domain/event_input.h"
#include "domain/validate.h"
#include "http/body_json.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_customers.h"
#include "store/store_events.h"

/* The answer of a read that may find nothing: its JSON, 404, or the database's problem. */
static enum step reply_found(struct request *req, enum db_status st, char *json)
{
	if (st != DB_OK)
		return problem_db(req, st);
	if (!json)
		return problem_reply(req, 404, "not-found", "no such customer");
	return handlers_reply_json_text(req, 200, json);
}

enum step handle_customer_put(struct request *req)
{
	const char *id = handlers_external_id(req, "external_id");
	struct customer_input in;
	json_t *errors, *body;
	char *json = NULL;
	bool created = false;
	enum step rc;
	if (!id)
		return STEP_ANSWERED;
	if (!(body = http_body_json(req)))
		return STEP_ANSWERED;
	errors = handlers_errors();
	if (customer_input_parse(body, &in, errors) != 0) {
		rc = problem_invalid(req, errors);
		goto out;
	}
	json_decref(errors);
	enum db_status st =
	    customers_upsert(req->app->pool, req->who.tenant_id, id, &in, &created, &json);
	rc = st == DB_OK ? handlers_reply_json_text(req, created ? 201 : 200, json)
	                 : problem_db(req, st);
out:
	customer_input_release(&in);
	json_decref(body);
	return rc;
}

enum step handle_customer_get(struct request *req)
{
	const char *id = handlers_external_id(req, "external_id");
	char *json = NULL;
	if (!id)
		return STEP_ANSWERED;
	enum db_status st = customers_get(req->app->pool, req->who.tenant_id, id, &json);
	return reply_found(req, st, json);
}

enum step handle_customer_list(struct request *req)
{
	struct page_params p;
	struct customer_filter f = {0};
	char created_after[32];
	char *page = NULL;
	size_t len = 0;
	enum step rc;
	if ((rc = handlers_id_page_params(req, "customers", NULL, &p)) != STEP_GO_ON ||
	    (rc = handlers_time_param(req, "created_after", created_after)) != STEP_GO_ON)
		return rc;
	if (http_query(req, "tag", &f.tag) != 0)
		return handlers_bad_parameter(req, "tag", "is malformed");
	if (http_query(req, "email", &f.email) != 0)
		return handlers_bad_parameter(req, "email", "is malformed");
	if ((f.tag && !validate_utf8(f.tag)) || (f.email && !validate_utf8(f.email)))
		return handlers_bad_parameter(req, f.tag ? "tag" : "email", "is not UTF-8");
	f.after_id = p.cursor[0] ? p.cursor : NULL;
	f.created_after = created_after[0] ? created_after : NULL;
	f.limit = p.limit;
	f.cursor_scope = p.scope;
	enum db_status st = customers_list(req->app->pool, req->who.tenant_id, &f, &page, &len);
	if (st != DB_OK)
		return problem_db(req, st);
	return http_reply_owned(req, 200, "application/json", page, len);
}

enum step handle_customer_erase(struct request *req)
{
	const char *id = handlers_external_id(req, "external_id");
	bool found = false;
	if (!id)
		return STEP_ANSWERED;
	enum db_status st = customers_erase(req->app->pool, req->who.tenant_id, id, &found);
	if (st != DB_OK)
		return problem_db(req, st);
	if (!found)
		return problem_reply(req, 404, "not-found", "no such customer");
	return http_reply_empty(req, 204);
}

enum step handle_customer_export(struct request *req)
{
	const char *id = handlers_external_id(req, "external_id");
	char *json = NULL;
	if (!id)
		return STEP_ANSWERED;
	enum db_status st = customers_export(req->app->pool, req->who.tenant_id, id, &json);
	return reply_found(req, st, json);
}

enum step handle_customer_events(struct request *req)
{
	const char *id = handlers_external_id(req, "external_id");
	if (!id)
		return STEP_ANSWERED;
	struct time_page_params t;
	struct event_filter f = {0};
	char *page = NULL;
	size_t len = 0;
	bool found = false;
	enum step rc;
	if ((rc = handlers_time_page_params(req, "events", &t)) != STEP_GO_ON)
		return rc;
	if (http_query(req, "type", &f.type) != 0 || (f.type && !event_input_type_ok(f.type)))
		return handlers_bad_parameter(req, "type", "must be an event type");
	if ((rc = handlers_time_page(req, &t, &f.page)) != STEP_GO_ON)
		return rc;
	enum db_status st =
	    events_list(req->app->pool, req->who.tenant_id, id, &f, &page, &len, &found);
	if (st != DB_OK)
		return problem_db(req, st);
	if (!found)
		return problem_reply(req, 404, "not-found", "no such customer");
	return http_reply_owned(req, 200, "application/json", page, len);
}
