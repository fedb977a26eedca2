/* handlers_report_rfm.c - GET /v1/reports/rfm: RFM segments and the R × F grid. */
#include <stdlib.h>

#include "api/handlers.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_reports.h"

enum step handle_report_rfm(struct request *req)
{
	const char *as_of = NULL, *tz = NULL;
	struct report_table t;
	enum step rc;
	if ((rc = handlers_report_bound(req, "as_of", &as_of)) != STEP_GO_ON ||
	    (rc = handlers_report_tz(req, &tz)) != STEP_GO_ON)
		return rc;
	const char *params[] = {req->who.tenant_id, as_of, tz};
	enum db_status st =
	    reports_table(req->app->pool, req->who.tenant_id, REPORT_RFM, 3, params, &t);
	if (st != DB_OK)
		return handlers_report_failed(req, st);
	json_t *out =
	    json_pack("{s:s, s:I, s:o, s:o, s:{s:s, s:s}}", "as_of", reports_cell(&t, 0, 0),
	              "customers", (json_int_t)strtoll(reports_cell(&t, 0, 1), NULL, 10),
	              "segments", json_loads(reports_cell(&t, 0, 2), 0, NULL), "grid",
	              json_loads(reports_cell(&t, 0, 3), 0, NULL), "definition", "as_of",
	              reports_cell(&t, 0, 4), "tz", tz);
	reports_table_free(&t);
	return http_reply_json(req, 200, out);
}
