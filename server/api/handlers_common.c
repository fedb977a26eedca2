/* handlers_common.c - query and path parameters shared by handlers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/query.h"
#include "base/timefmt.h"
#include "domain/validate.h"
#include "http/body_json.h"
#include "http/http.h"
#include "http/problem.h"

enum step handlers_reply_json_text(struct request *req, int status, char *json)
{
	return http_reply_owned(req, status, "application/json", json, strlen(json));
}

enum step handlers_bad_parameters(struct request *req, json_t *errors, const char *detail)
{
	json_t *p = problem_new(400, "invalid-parameter", detail, errors);
	return http_reply_json_type(req, 400, p, "application/problem+json");
}

enum step handlers_bad_parameter(struct request *req, const char *name, const char *message)
{
	char detail[160];
	json_t *errors = json_pack("[{s:s, s:s}]", "parameter", name, "message", message);
	snprintf(detail, sizeof(detail), "%s: %s", name, message);
	return handlers_bad_parameters(req, errors, detail);
}

enum step handlers_page_params(struct request *req, const char *list, const char *extra,
                               struct page_params *p)
{
	const char *s = NULL;
	p->limit = 100;
	p->cursor[0] = '\0';
	if (query_cursor_scope(req, list, extra, p->scope) != 0)
		return STEP_FAILED;
	if (http_query(req, "limit", &s) != 0)
		return handlers_bad_parameter(req, "limit", "is malformed");
	if (s) {
		char *end = NULL;
		errno = 0;
		long v = strtol(s, &end, 10);
		if (errno || end == s || *end || v < 1 || v > 1000)
			return handlers_bad_parameter(req, "limit",
			                              "must be a whole number from 1 to 1000");
		p->limit = (int)v;
	}
	if (http_query(req, "cursor", &s) != 0)
		return handlers_bad_parameter(req, "cursor", "is malformed");
	switch (s ? cursor_decode(s, p->scope, p->cursor, sizeof(p->cursor)) : CURSOR_OK) {
	case CURSOR_OK:
		return STEP_GO_ON;
	case CURSOR_FOREIGN:
		return handlers_bad_parameter(req, "cursor",
		                              "is not a cursor this service returned");
	case CURSOR_OTHER_LIST:
		return handlers_bad_parameter(req, "cursor",
		                              "was returned by another list; it only goes on with "
		                              "the list that returned it");
	case CURSOR_OTHER_FILTERS:
		return handlers_bad_parameter(req, "cursor",
		                              "was returned for other filters; send it with the "
		                              "same request as the page that returned it (limit "
		                              "may change)");
	}
	return STEP_FAILED;
}

enum step handlers_time_param(struct request *req, const char *name, char out[32])
{
	const char *s = NULL;
	int64_t us;
	out[0] = '\0';
	if (http_query(req, name, &s) != 0)
		return handlers_bad_parameter(req, name, "is malformed");
	if (!s)
		return STEP_GO_ON;
	if ((timefmt_parse_rfc3339(s, &us) != 0 && timefmt_parse_date(s, &us) != 0) ||
	    !timefmt_in_range(us))
		return handlers_bad_parameter(
		    req, name, "must be an RFC 3339 time or a date YYYY-MM-DD from 1970 to 2100");
	timefmt_format(us, out);
	return STEP_GO_ON;
}

const char *handlers_external_id(struct request *req, const char *name)
{
	const char *id = router_param(&req->match, name);
	if (!id || !validate_utf8(id) || validate_utf8_chars(id) < 1 ||
	    validate_utf8_chars(id) > 128) {
		problem_reply(req, 404, "not-found", "no such customer");
		return NULL;
	}
	return id;
}

const char *handlers_uuid(struct request *req, const char *name, const char *detail)
{
	const char *s = router_param(&req->match, name);
	bool ok = s && strlen(s) == 36;
	for (int i = 0; ok && i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		ok = dash ? s[i] == '-' : strchr("0123456789abcdefABCDEF", s[i]) != NULL;
	}
	if (!ok) {
		problem_reply(req, 404, "not-found", detail);
		return NULL;
	}
	return s;
}

enum step handlers_time_id_cursor(struct request *req, struct page_params *p, const char **time,
                                  const char **id)
{
	int64_t us;
	*time = *id = NULL;
	if (!p->cursor[0])
		return STEP_GO_ON;
	char *bar = strchr(p->cursor, '|');
	if (!bar || bar[1] == '\0' || strspn(bar + 1, "0123456789") != strlen(bar + 1) ||
	    strlen(bar + 1) > 18)
		return handlers_bad_parameter(req, "cursor",
		                              "is not a cursor this service returned");
	*bar = '\0';
	if (timefmt_parse_rfc3339(p->cursor, &us) != 0)
		return handlers_bad_parameter(req, "cursor",
		                              "is not a cursor this service returned");
	*time = p->cursor;
	*id = bar + 1;
	return STEP_GO_ON;
}

/* Reads a report bound: RFC 3339 or a date, 1970–2100. Returns 0, or 1 after a 400. */
enum step handlers_report_bound(struct request *req, const char *name, const char **out)
{
	int64_t us;
	if (http_query(req, name, out) != 0)
		return handlers_bad_parameter(req, name, "is malformed");
	if (*out &&
	    ((timefmt_parse_rfc3339(*out, &us) != 0 && timefmt_parse_date(*out, &us) != 0) ||
	     !timefmt_in_range(us)))
		return handlers_bad_parameter(
		    req, name,
		    "must be an RFC 3339 time or a date YYYY-MM-DD (local to tz), 1970 to 2100");
	return STEP_GO_ON;
}

/* An IANA name's shape ("Europe/Zagreb", "UTC", "Etc/GMT+2"); PostgreSQL decides whether
 * the zone exists. */
static bool tz_shape_ok(const char *tz)
{
	size_t n = strlen(tz);
	if (n == 0 || n > 64 || tz[0] == '/' || strstr(tz, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = tz[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      strchr("/_+-", c)))
			return false;
	}
	return true;
}

enum step handlers_report_tz(struct request *req, const char **tz)
{
	if (http_query(req, "tz", tz) != 0 || (*tz && !tz_shape_ok(*tz)))
		return handlers_bad_parameter(req, "tz",
		                              "must be an IANA time zone such as Europe/Zagreb");
	if (!*tz)
		*tz = "UTC";
	return STEP_GO_ON;
}

enum step handlers_report_range(struct request *req, const char **from, const char **to,
                                const char **tz)
{
	enum step rc;
	if ((rc = handlers_report_bound(req, "from", from)) != STEP_GO_ON ||
	    (rc = handlers_report_bound(req, "to", to)) != STEP_GO_ON)
		return rc;
	return handlers_report_tz(req, tz);
}

enum step handlers_report_as_of(struct request *req, const char **as_of, const char **tz)
{
	enum step rc = handlers_report_bound(req, "as_of", as_of);
	return rc != STEP_GO_ON ? rc : handlers_report_tz(req, tz);
}

enum step handlers_report_failed(struct request *req, enum db_status st)
{
	if (st == DB_INVALID) {
		return handlers_bad_parameter(req, "tz", "is not a time zone PostgreSQL knows");
	}
	return problem_db(req, st);
}

enum step handlers_id_page_params(struct request *req, const char *list, const char *extra,
                                  struct page_params *p)
{
	enum step rc = handlers_page_params(req, list, extra, p);
	if (rc != STEP_GO_ON)
		return rc;
	if (p->cursor[0] && strspn(p->cursor, "0123456789") != strlen(p->cursor))
		return handlers_bad_parameter(req, "cursor",
		                              "is not a cursor this service returned");
	return STEP_GO_ON;
}

enum step handlers_time_page_params(struct request *req, const char *list,
                                    struct time_page_params *t)
{
	enum step rc;
	if ((rc = handlers_page_params(req, list, NULL, &t->page)) != STEP_GO_ON ||
	    (rc = handlers_time_param(req, "from", t->from)) != STEP_GO_ON)
		return rc;
	return handlers_time_param(req, "to", t->to);
}

enum step handlers_time_page(struct request *req, struct time_page_params *t, struct time_page *out)
{
	enum step rc = handlers_time_id_cursor(req, &t->page, &out->after_time, &out->after_id);
	out->from = t->from[0] ? t->from : NULL;
	out->to = t->to[0] ? t->to : NULL;
	out->limit = t->page.limit;
	out->cursor_scope = t->page.scope;
	return rc;
}

json_t *handlers_body(struct request *req, const char *const *fields, json_t **errors)
{
	json_t *body = http_body_json(req);
	*errors = NULL;
	if (!body)
		return NULL;
	*errors = handlers_errors();
	if (validate_object(body, "", *errors))
		validate_known_fields(body, fields, "", *errors);
	return body;
}

enum step handlers_customer_page(struct request *req, const char *list_name,
                                 enum customer_list list)
{
	const char *id = handlers_external_id(req, "external_id");
	struct page_params p;
	char *page = NULL;
	size_t len = 0;
	bool found = false;
	enum step rc;
	if (!id)
		return STEP_ANSWERED;
	if ((rc = handlers_id_page_params(req, list_name, NULL, &p)) != STEP_GO_ON)
		return rc;
	enum db_status st =
	    customer_page(req->app->pool, req->who.tenant_id, id, list,
	                  p.cursor[0] ? p.cursor : NULL, p.limit, p.scope, &page, &len, &found);
	if (st != DB_OK)
		return problem_db(req, st);
	if (!found)
		return problem_reply(req, 404, "not-found", "no such customer");
	return http_reply_owned(req, 200, "application/json", page, len);
}
