/* handlers_events.c - POST /v1/events: one event or a batch, all or nothing. */
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "base/json_util.h"
#include "domain/event_input.h"
#include "http/body_json.h"
#include "http/http.h"
#include "http/problem.h"
#include "jobs/analyze.h"
#include "store/ingest.h"
#include "store/store_program.h"

/* True when the programme (JSON text, or NULL for none) has a tier of that name. */
static bool program_has_tier(const json_t *program, const char *tier)
{
	size_t i;
	json_t *t;
	json_array_foreach (json_object_get(program, "tiers"), i, t)
		if (json_is_string(json_object_get(t, "name")) &&
		    strcmp(json_string_value(json_object_get(t, "name")), tier) == 0)
			return true;
	return false;
}

/* A membership_purchased event grants a tier of the programme in force: one naming a
 * tier the programme lacks (or sent before there is a programme) would grant nothing, so
 * it is refused with the others (all or nothing). Returns 0, or the status that failed. */
static enum db_status check_membership_tiers(struct request *req, const json_t *body,
                                             json_t *events, json_t *errors)
{
	size_t i;
	json_t *ev, *program = NULL;
	bool read = false;
	bool batch = json_object_get(body, "events") != NULL;
	json_array_foreach (events, i, ev) {
		const char *type = json_string_value(json_object_get(ev, "type"));
		if (!type || strcmp(type, "membership_purchased") != 0)
			continue;
		if (!read) {
			char *text = NULL;
			enum db_status st = program_get(req->app->pool, req->who.tenant_id, &text);
			if (st != DB_OK)
				return st;
			program = text ? json_loads(text, 0, NULL) : NULL;
			free(text);
			read = true;
		}
		const char *tier =
		    json_string_value(json_object_get(json_object_get(ev, "properties"), "tier"));
		if (!tier || program_has_tier(program, tier))
			continue;
		char ptr[64];
		if (batch)
			snprintf(ptr, sizeof(ptr), "/events/%zu/properties/tier", i);
		else
			snprintf(ptr, sizeof(ptr), "/properties/tier");
		json_error_add(errors, ptr,
		               program ? "is not a tier of the programme in force"
		                       : "names a tier, but the tenant has no programme yet");
	}
	json_decref(program);
	return DB_OK;
}

enum step handle_events_post(struct request *req)
{
	json_t *body = http_body_json(req);
	json_t *errors, *events;
	long accepted = 0;
	enum step rc;
	if (!body)
		return STEP_ANSWERED;
	errors = handlers_errors();
	events = event_input_parse(body, errors);
	if (events) {
		enum db_status st = check_membership_tiers(req, body, events, errors);
		if (st != DB_OK) {
			json_decref(body);
			json_decref(events);
			json_decref(errors);
			return problem_db(req, st);
		}
		if (json_array_size(errors) > 0) {
			json_decref(events);
			events = NULL;
		}
	}
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
