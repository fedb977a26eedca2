/* problem.c - RFC 9457 problem details. */
#include "http/problem.h"

#include <stdio.h>
#include <string.h>

#include "base/json_util.h"
#include "http/http.h"

const char *problem_title(int status)
{
	static const struct {
		int status;
		const char *title;
	} titles[] = {
	    {400, "Bad Request"},
	    {401, "Unauthorized"},
	    {403, "Forbidden"},
	    {404, "Not Found"},
	    {405, "Method Not Allowed"},
	    {406, "Not Acceptable"},
	    {409, "Conflict"},
	    {413, "Content Too Large"},
	    {414, "URI Too Long"},
	    {415, "Unsupported Media Type"},
	    {422, "Unprocessable Content"},
	    {429, "Too Many Requests"},
	    {431, "Request Header Fields Too Large"},
	    {500, "Internal Server Error"},
	    {503, "Service Unavailable"},
	};
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (titles[i].status == status)
			return titles[i].title;
	return "Error";
}

json_t *problem_new(int status, const char *slug, const char *detail, json_t *errors)
{
	char type[96];
	if (slug)
		snprintf(type, sizeof(type), "urn:loyaltyd:problem:%s", slug);
	else
		snprintf(type, sizeof(type), "about:blank");
	json_t *p = json_pack("{s:s, s:s, s:i}", "type", type, "title", problem_title(status),
	                      "status", status);
	if (!p) {
		json_decref(errors);
		return NULL;
	}
	if (detail)
		json_object_set_new(p, "detail", json_string(detail));
	if (errors)
		json_object_set_new(p, "errors", errors);
	return p;
}

enum step problem_reply(struct request *req, int status, const char *slug, const char *detail)
{
	json_t *p = problem_new(status, slug, detail, NULL);
	if (!p)
		return STEP_FAILED;
	return http_reply_json_type(req, status, p, "application/problem+json");
}

enum step problem_invalid(struct request *req, json_t *errors)
{
	char detail[160];
	size_t n = json_array_size(errors);
	if (n == 1) {
		json_t *e = json_array_get(errors, 0);
		snprintf(detail, sizeof(detail), "%s: %s",
		         json_string_value(json_object_get(e, "pointer")),
		         json_string_value(json_object_get(e, "message")));
	} else {
		snprintf(detail, sizeof(detail), "%zu fields are invalid", n);
	}
	json_t *p = problem_new(422, "validation", detail, errors);
	if (!p)
		return STEP_FAILED;
	return http_reply_json_type(req, 422, p, "application/problem+json");
}

enum step problem_invalid_field(struct request *req, const char *pointer, const char *message)
{
	json_t *errors = json_array();
	json_error_add(errors, pointer, message);
	return problem_invalid(req, errors);
}

enum step problem_db(struct request *req, enum db_status st)
{
	switch (st) {
	case DB_UNAVAILABLE:
	case DB_BUSY:
	case DB_TIMEOUT:
	case DB_RETRY:
		http_header_add(req, "Retry-After", "1");
		return problem_reply(req, 503, "unavailable",
		                     st == DB_BUSY ? "the service is busy; retry shortly"
		                                   : "the database is unavailable; retry shortly");
	case DB_CONFLICT:
		return problem_reply(req, 409, "conflict", "the resource already exists");
	case DB_INVALID:
		return problem_reply(req, 400, "invalid-parameter",
		                     "a parameter has an invalid value");
	case DB_OK:
	case DB_ROLLBACK:
	case DB_ERROR:
		break;
	}
	return problem_reply(req, 500, "internal", "an internal error occurred; it was logged");
}
