/* handlers_report_segments.c - GET /v1/reports/segments: the size of every named
 * segment. */
#include "api/handlers.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_reports.h"

enum step handle_report_segments(struct request *req)
{
	struct as_of_query q = {.tenant_id = req->who.tenant_id};
	struct segments_report r;
	enum step rc = handlers_report_as_of(req, &q.as_of, &q.tz);
	if (rc != STEP_GO_ON)
		return rc;
	enum db_status st = reports_segments(req->app->pool, &q, &r);
	if (st != DB_OK)
		return handlers_report_failed(req, st);
	json_t *out = json_pack("{s:s, s:o, s:{s:s, s:s}}", "as_of", r.as_of, "segments",
	                        json_loads(r.segments, 0, NULL), "definition", "as_of",
	                        r.as_of_local, "tz", q.tz);
	reports_release(&r.memory);
	return http_reply_json(req, 200, out);
}
