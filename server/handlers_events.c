/* handlers_events.c - POST /v1/events: one event or a batch, all or nothing. */
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "event_input.h"
#include "handlers.h"
#include "http.h"
#include "ingest.h"
#include "problem.h"

int handle_events_post(struct request *req)
{
	json_t *body = http_body_json(req);
	json_t *errors, *events;
	long accepted = 0;
	int rc;
	if (!body)
		return 0;
	errors = handlers_errors();
	events = event_input_parse(body, errors);
	json_decref(body);
	if (!events)
		return problem_invalid(req, errors);
	json_decref(errors);
	size_t n = json_array_size(events);
	enum db_status st = ingester_submit(req->app->ingest, req->app->pool, req->who.tenant_id,
	                                    events, &accepted);
	json_decref(events);
	if (st != DB_OK)
		return problem_db(req, st);
	analyzer_note(req->app->analyze, accepted);
	rc = http_reply_json(req, 200,
	                     json_pack("{s:I, s:I}", "accepted", (json_int_t)accepted, "duplicates",
	                               (json_int_t)((long)n - accepted)));
	return rc;
}
