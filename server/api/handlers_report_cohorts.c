/* handlers_report_cohorts.c - GET /v1/reports/cohorts: customers by the month or week of
 * their first order, and how many of each cohort ordered in each later interval. */
#include <string.h>

#include "api/handlers.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_reports.h"

#define COHORTS_MAX 400

enum step handle_report_cohorts(struct request *req)
{
	struct cohorts_query q = {.tenant_id = req->who.tenant_id};
	struct cohorts_report r;
	enum step rc;
	if ((rc = handlers_report_range(req, &q.from, &q.to, &q.tz)) != STEP_GO_ON)
		return rc;
	if (http_query(req, "interval", &q.interval) != 0 ||
	    (q.interval && strcmp(q.interval, "month") != 0 && strcmp(q.interval, "week") != 0))
		return handlers_bad_parameter(req, "interval", "must be month or week");
	if (!q.interval)
		q.interval = "month";
	enum db_status st = reports_cohorts(req->app->pool, &q, &r);
	if (st != DB_OK)
		return handlers_report_failed(req, st);
	if (r.n == 0)
		rc = handlers_bad_parameter(req, "from", "must be before to");
	else if (r.n > COHORTS_MAX)
		/* the matrix grows with the square of the intervals */
		rc = handlers_bad_parameter(
		    req, "from", "gives more than 400 intervals up to to: narrow the range");
	if (rc != STEP_GO_ON) {
		reports_release(&r.memory);
		return rc;
	}
	json_t *cohorts = json_array();
	for (size_t i = 0; i < r.n; i++)
		json_array_append_new(
		    cohorts, json_pack("{s:s, s:I, s:o}", "cohort", r.cohorts[i].start, "customers",
		                       (json_int_t)r.cohorts[i].customers, "periods",
		                       json_loads(r.cohorts[i].periods, 0, NULL)));
	json_t *out = json_pack("{s:o, s:{s:s, s:s, s:s, s:s}}", "cohorts", cohorts, "definition",
	                        "from", r.from, "to", r.to, "tz", q.tz, "interval", q.interval);
	reports_release(&r.memory);
	return http_reply_json(req, 200, out);
}
