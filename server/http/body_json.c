/* body_json.c - a request's body as JSON, with every refusal answered. */
#include "http/body_json.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/json_util.h"
#include "http/http.h"
#include "http/json_budget.h"
#include "http/problem.h"

static bool is_json_media_type(const char *ct)
{
	static const char want[] = "application/json";
	if (!ct || strncasecmp(ct, want, sizeof(want) - 1) != 0)
		return false;
	const char *rest = ct + sizeof(want) - 1;
	while (*rest == ' ')
		rest++;
	return *rest == '\0' || *rest == ';';
}

json_t *http_body_json(struct request *req)
{
	json_error_t err;
	char detail[256];
	if (!is_json_media_type(http_request_header(req, MHD_HTTP_HEADER_CONTENT_TYPE))) {
		problem_reply(req, 415, "unsupported-media-type",
		              "the body must be sent as Content-Type: application/json");
		return NULL;
	}
	if (req->body.len == 0) {
		problem_reply(req, 400, "malformed-json", "the request body is empty");
		return NULL;
	}
	/* JSON_REJECT_DUPLICATES: {"a":1,"a":2} has no single meaning; refuse it. */
	enum json_budget_result memory = JSON_BUDGET_OK;
	json_t *root = json_budget_loadb(req->body.data, req->body.len, JSON_REJECT_DUPLICATES,
	                                 req->body.max * JSON_BUDGET_FACTOR, &err, &memory);
	if (!root && memory == JSON_BUDGET_BUSY) {
		http_header_add(req, "Retry-After", "1");
		problem_reply(req, 503, "unavailable",
		              "other large requests are being parsed; retry shortly");
		return NULL;
	}
	if (!root && memory == JSON_BUDGET_OVER) {
		snprintf(detail, sizeof(detail),
		         "the JSON body has too many values: parsing it would take more than %zu "
		         "bytes",
		         req->body.max * JSON_BUDGET_FACTOR);
		problem_reply(req, 413, "body-too-large", detail);
		return NULL;
	}
	if (!root) {
		snprintf(detail, sizeof(detail), "malformed JSON at line %d, column %d: %s",
		         err.line, err.column, err.text);
		problem_reply(req, 400, "malformed-json", detail);
		return NULL;
	}
	if (json_depth(root) > HTTP_JSON_MAX_DEPTH) {
		json_decref(root);
		snprintf(detail, sizeof(detail), "JSON nested deeper than %d levels",
		         HTTP_JSON_MAX_DEPTH);
		problem_reply(req, 400, "malformed-json", detail);
		return NULL;
	}
	return root;
}
