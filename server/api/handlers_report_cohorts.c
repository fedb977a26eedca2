/* handlers_report_cohorts.c - GET /v1/reports/cohorts: customers by the month or week of
 * their first order, and how many of each cohort ordered in each later interval. */
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_reports.h"

#define COHORTS_MAX 400

enum step handle_report_cohorts(struct request *req)
{
	const char *from = NULL, *to = NULL, *tz = NULL, *interval = NULL;
	struct report_table t;
	enum step rc;
	if ((rc = handlers_report_bound(req, "from", &from)) != STEP_GO_ON ||
	    (rc = handlers_report_bound(req, "to", &to)) != STEP_GO_ON ||
	    (rc = handlers_report_tz(req, &tz)) != STEP_GO_ON)
		return rc;
	if (http_query(req, "interval", &interval) != 0 ||
	    (interval && strcmp(interval, "month") != 0 && strcmp(interval, "week") != 0))
		return handlers_bad_parameter(req, "interval", "must be month or week");
	if (!interval)
		interval = "month";
	const char *params[] = {req->who.tenant_id, from, to, tz, interval};
	enum db_status st =
	    reports_table(req->app->pool, req->who.tenant_id, REPORT_COHORTS, 5, params, &t);
	if (st != DB_OK)
		return handlers_report_failed(req, st);
	if (t.rows == 0)
		rc = handlers_bad_parameter(req, "from", "must be before to");
	else if (t.rows > COHORTS_MAX)
		/* the matrix grows with the square of the intervals */
		rc = handlers_bad_parameter(
		    req, "from", "gives more than 400 intervals up to to: narrow the range");
	if (rc != STEP_GO_ON) {
		reports_table_free(&t);
		return rc;
	}
	json_t *cohorts = json_array();
	for (int i = 0; i < t.rows; i++)
		json_array_append_new(
		    cohorts,
		    json_pack("{s:s, s:I, s:o}", "cohort", reports_cell(&t, i, 1), "customers",
		              (json_int_t)strtoll(reports_cell(&t, i, 2), NULL, 10), "periods",
		              json_loads(reports_cell(&t, i, 3), 0, NULL)));
	json_t *out = json_pack("{s:o, s:{s:s, s:s, s:s, s:s}}", "cohorts", cohorts, "definition",
	                        "from", reports_cell(&t, 0, 4), "to", reports_cell(&t, 0, 5), "tz",
	                        tz, "interval", interval);
	reports_table_free(&t);
	return http_reply_json(req, 200, out);
}
