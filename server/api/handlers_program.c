/* handlers_program.c - PUT/GET /v1/program, and PUT ?dry_run=true. */
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "base/cursor.h"
#include "domain/program_input.h"
#include "http/body_json.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_program.h"

/* Answers what text (a validated programme) would change, storing nothing. Its cursor is
 * bound to the programme too: another one changes other customers. */
static enum step dry_run(struct request *req, const char *text)
{
	struct program_dry_run run;
	struct page_params p;
	char cursor[CURSOR_MAX];
	enum step rc;
	if ((rc = handlers_id_page_params(req, "dry_run", text, &p)) != STEP_GO_ON)
		return rc;
	enum db_status st = program_dry_run(req->app->pool, req->who.tenant_id, text,
	                                    p.cursor[0] ? p.cursor : NULL, p.limit, &run);
	if (st != DB_OK)
		return problem_db(req, st);
	if (run.next_after[0] && cursor_encode(p.scope, run.next_after, cursor) != 0) {
		json_decref(run.page);
		return STEP_FAILED;
	}
	json_t *out =
	    json_pack("{s:b, s:o, s:I, s:I, s:{s:o, s:o}}", "dry_run", 1, "program",
	              json_loads(text, 0, NULL), "customers", (json_int_t)run.customers,
	              "tier_changes", (json_int_t)run.changes, "changes", "data", run.page,
	              "next_cursor", run.next_after[0] ? json_string(cursor) : json_null());
	return http_reply_json(req, 200, out);
}

enum step handle_program_put(struct request *req)
{
	const char *dry = NULL;
	char *json = NULL;
	enum step rc;
	if (http_query(req, "dry_run", &dry) != 0 ||
	    (dry && strcmp(dry, "true") != 0 && strcmp(dry, "false") != 0))
		return handlers_bad_parameter(req, "dry_run", "must be true or false");
	bool dry_run_only = dry && strcmp(dry, "true") == 0;
	json_t *body = http_body_json(req);
	if (!body)
		return STEP_ANSWERED;
	json_t *errors = handlers_errors();
	json_t *config = program_input_parse(body, errors);
	json_decref(body);
	if (!config)
		return problem_invalid(req, errors);
	json_decref(errors);
	char *text = json_dumps(config, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(config);
	if (!text)
		return STEP_FAILED;
	if (dry_run_only) {
		rc = dry_run(req, text);
		free(text);
		return rc;
	}
	enum db_status st = program_put(req->app->pool, req->who.tenant_id, text, &json);
	free(text);
	if (st == DB_CONFLICT)
		return problem_reply(req, 409, "conflict",
		                     "the programme was changed at the same moment; send it again");
	if (st != DB_OK)
		return problem_db(req, st);
	return http_reply_owned(req, 200, "application/json", json, strlen(json));
}

enum step handle_program_get(struct request *req)
{
	char *json = NULL;
	enum db_status st = program_get(req->app->pool, req->who.tenant_id, &json);
	if (st != DB_OK)
		return problem_db(req, st);
	if (!json)
		return problem_reply(req, 404, "not-found",
		                     "this tenant has no programme yet: PUT /v1/program");
	return http_reply_owned(req, 200, "application/json", json, strlen(json));
}
