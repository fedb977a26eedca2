/* handlers_report_rfm.c - GET /v1/reports/rfm: RFM segments and the R × F grid. */
#include "api/handlers.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_reports.h"

enum step handle_report_rfm(struct request *req)
{
	struct as_of_query q = {.tenant_id = req->who.tenant_id};
	struct rfm_report r;
	enum step rc;
	if ((rc = handlers_report_as_of(req, &q.as_of, &q.tz)) != STEP_GO_ON)
		return rc;
	enum db_status st = reports_rfm(req->app->pool, &q, &r);
	if (st != DB_OK)
		return handlers_report_failed(req, st);
	json_t *out = json_pack(
	    "{s:s, s:I, s:o, s:o, s:{s:s, s:s}}", "as_of", r.as_of, "customers",
	    (json_int_t)r.customers, "segments", json_loads(r.segments, 0, NULL), "grid",
	    json_loads(r.grid, 0, NULL), "definition", "as_of", r.as_of_local, "tz", q.tz);
	reports_release(&r.memory);
	return http_reply_json(req, 200, out);
}
