/* handlers_report_retention.c - GET /v1/reports/retention: retention and churn over a
 * range, and with interval=month over each local month of it. */
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

/* The figures of a period, and the category of a group. */
static json_t *figures(const struct retention_period *p)
{
	json_t *o =
	    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "start", (json_int_t)p->start,
	              "end", (json_int_t)p->end, "new", (json_int_t)p->new_customers, "reactivated",
	              (json_int_t)p->reactivated, "retained", (json_int_t)p->retained, "lost",
	              (json_int_t)p->lost, "retention_rate", rate(p->retained, p->start),
	              "churn_rate", rate(p->lost, p->start));
	if (p->group)
		json_object_set_new(o, "group", json_string(p->group));
	return o;
}

enum step handle_report_retention(struct request *req)
{
	struct retention_query q = {.tenant_id = req->who.tenant_id, .window_days = 365};
	const char *window = NULL;
	struct retention_report r;
	enum step rc;
	if ((rc = handlers_report_range(req, &q.from, &q.to, &q.tz)) != STEP_GO_ON)
		return rc;
	if (http_query(req, "interval", &q.interval) != 0 ||
	    (q.interval && strcmp(q.interval, "month") != 0))
		return handlers_bad_parameter(req, "interval", "must be month");
	if (http_query(req, "by", &q.by) != 0 || (q.by && strcmp(q.by, "nps_category") != 0))
		return handlers_bad_parameter(req, "by", "must be nps_category");
	if (http_query(req, "window_days", &window) != 0 ||
	    (window &&
	     (strspn(window, "0123456789") != strlen(window) || strlen(window) > 5 ||
	      (q.window_days = strtol(window, NULL, 10)) < 1 || q.window_days > WINDOW_MAX)))
		return handlers_bad_parameter(req, "window_days",
		                              "must be a whole number of days from 1 to 3650");
	enum db_status st = reports_retention(req->app->pool, &q, &r);
	if (st != DB_OK)
		return handlers_report_failed(req, st);
	if (!r.ordered)
		rc = handlers_bad_parameter(req, "from", "must be before to");
	else if (r.months > PERIODS_MAX)
		rc = handlers_bad_parameter(req, "interval",
		                            "gives more than 1000 months for this range");
	if (rc != STEP_GO_ON) {
		reports_release(&r.memory);
		return rc;
	}
	json_t *out = figures(&r.whole);
	if (q.interval) {
		json_t *series = json_array();
		for (size_t i = 0; i < r.nseries; i++) {
			json_t *p = figures(&r.series[i]);
			json_object_set_new(p, "from", json_string(r.series[i].from));
			json_object_set_new(p, "to", json_string(r.series[i].to));
			json_array_append_new(series, p);
		}
		json_object_set_new(out, "series", series);
	}
	json_t *groups = json_array();
	for (size_t i = 0; i < r.ngroups; i++)
		json_array_append_new(groups, figures(&r.groups[i]));
	if (q.by)
		json_object_set_new(out, "groups", groups);
	else
		json_decref(groups);
	json_object_set_new(out, "definition",
	                    json_pack("{s:s, s:s, s:s, s:i, s:s?, s:s?}", "from", r.whole.from,
	                              "to", r.whole.to, "tz", q.tz, "window_days",
	                              (int)q.window_days, "interval", q.interval, "by", q.by));
	reports_release(&r.memory);
	return http_reply_json(req, 200, out);
}
