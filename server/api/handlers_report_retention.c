/* handlers_report_retention.c - GET /v1/reports/retention: retention and churn over a
 * range, and with interval=month over each local month of it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "domain/percent.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_reports.h"

#define WINDOW_MAX 3650
#define PERIODS_MAX 1000

static json_t *rate(long long part, long long whole)
{
	double pct;
	return percent_of(part, whole, &pct) ? json_real(pct) : json_null();
}

/* The figures of period row i: cells k, from, to, start, end, new, reactivated, retained,
 * lost. */
static json_t *figures(const struct report_table *t, int i)
{
	long long s = reports_cell_ll(t, i, 3), retained = reports_cell_ll(t, i, 7),
	          lost = reports_cell_ll(t, i, 8);
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "start", (json_int_t)s, "end",
	                 (json_int_t)reports_cell_ll(t, i, 4), "new",
	                 (json_int_t)reports_cell_ll(t, i, 5), "reactivated",
	                 (json_int_t)reports_cell_ll(t, i, 6), "retained", (json_int_t)retained,
	                 "lost", (json_int_t)lost, "retention_rate", rate(retained, s),
	                 "churn_rate", rate(lost, s));
}

enum step handle_report_retention(struct request *req)
{
	const char *from = NULL, *to = NULL, *tz = NULL, *interval = NULL, *window = NULL,
	           *by = NULL;
	char window_text[16];
	struct report_table t;
	enum step rc;
	if ((rc = handlers_report_bound(req, "from", &from)) != STEP_GO_ON ||
	    (rc = handlers_report_bound(req, "to", &to)) != STEP_GO_ON ||
	    (rc = handlers_report_tz(req, &tz)) != STEP_GO_ON)
		return rc;
	if (http_query(req, "interval", &interval) != 0 ||
	    (interval && strcmp(interval, "month") != 0))
		return handlers_bad_parameter(req, "interval", "must be month");
	if (http_query(req, "by", &by) != 0 || (by && strcmp(by, "nps_category") != 0))
		return handlers_bad_parameter(req, "by", "must be nps_category");
	long days = 365;
	if (http_query(req, "window_days", &window) != 0 ||
	    (window && (strspn(window, "0123456789") != strlen(window) || strlen(window) > 5 ||
	                (days = strtol(window, NULL, 10)) < 1 || days > WINDOW_MAX)))
		return handlers_bad_parameter(req, "window_days",
		                              "must be a whole number of days from 1 to 3650");
	snprintf(window_text, sizeof(window_text), "%ld", days);
	const char *params[] = {req->who.tenant_id, from, to, tz, window_text, interval, by};
	enum db_status st =
	    reports_table(req->app->pool, req->who.tenant_id, REPORT_RETENTION, 7, params, &t);
	if (st != DB_OK)
		return handlers_report_failed(req, st);
	if (t.rows == 0)
		rc = handlers_bad_parameter(req, "from", "must be before to");
	else if (strtol(reports_cell(&t, 0, 10), NULL, 10) > PERIODS_MAX)
		rc = handlers_bad_parameter(req, "interval",
		                            "gives more than 1000 months for this range");
	if (rc != STEP_GO_ON) {
		reports_table_free(&t);
		return rc;
	}
	/* rows: the whole range, the series (column 9 null), then the groups */
	json_t *out = figures(&t, 0), *series = json_array(), *groups = json_array();
	for (int i = 1; i < t.rows; i++) {
		json_t *p = figures(&t, i);
		if (reports_cell(&t, i, 9)) {
			json_object_set_new(p, "group", json_string(reports_cell(&t, i, 9)));
			json_array_append_new(groups, p);
			continue;
		}
		json_object_set_new(p, "from", json_string(reports_cell(&t, i, 1)));
		json_object_set_new(p, "to", json_string(reports_cell(&t, i, 2)));
		json_array_append_new(series, p);
	}
	if (interval)
		json_object_set_new(out, "series", series);
	else
		json_decref(series);
	if (by)
		json_object_set_new(out, "groups", groups);
	else
		json_decref(groups);
	json_object_set_new(out, "definition",
	                    json_pack("{s:s, s:s, s:s, s:i, s:s?, s:s?}", "from",
	                              reports_cell(&t, 0, 1), "to", reports_cell(&t, 0, 2), "tz",
	                              tz, "window_days", (int)days, "interval", interval, "by",
	                              by));
	reports_table_free(&t);
	return http_reply_json(req, 200, out);
}
