/* handlers_program.c - PUT/GET /v1/program. */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "http.h"
#include "problem.h"
#include "program_input.h"
#include "store_program.h"

int handle_program_put(struct request *req)
{
	json_t *body = http_body_json(req);
	char *json = NULL;
	if (!body)
		return 0;
	json_t *errors = handlers_errors();
	json_t *config = program_input_parse(body, errors);
	json_decref(body);
	if (!config)
		return problem_invalid(req, errors);
	json_decref(errors);
	char *text = json_dumps(config, JSON_COMPACT);
	json_decref(config);
	if (!text)
		return -1;
	enum db_status st = program_put(req->app->pool, req->who.tenant_id, text, &json);
	free(text);
	if (st == DB_CONFLICT)
		return problem_reply(req, 409, "conflict",
		                     "the programme was changed at the same moment; send it again");
	if (st != DB_OK)
		return problem_db(req, st);
	return http_reply_owned(req, 200, "application/json", json, strlen(json));
}

int handle_program_get(struct request *req)
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
