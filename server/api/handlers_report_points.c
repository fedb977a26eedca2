/* handlers_report_points.c - GET /v1/reports/points: the programme's liability. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "domain/percent.h"
#include "domain/points.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_reports.h"

#define REPORT_MAX_MONTHS 1000

/* points × the programme's point_value, or null without a programme. */
static json_t *cash(long long points, const char *point_value)
{
	char out[40];
	if (!point_value || points_cash_value(points, point_value, out) != 0)
		return json_null();
	return json_string(out);
}

/* The row of sql/reports/points.sql: 0 outstanding, 1 customers with points, 2–4 expiring
 * within 30/60/90 days, 5–10 lifetime earned, redeemed, expired, taken back, shortfall,
 * adjusted, 11 tiers, 12 series, 13 from, 14 to, 15 months, 16 from < to, 17 as_of,
 * 18 the programme. */
static json_t *report_json(const struct report_table *t, const char *tz)
{
	const char *text = reports_cell(t, 0, 18);
	json_t *program = text ? json_loads(text, 0, NULL) : NULL;
	const char *pv = json_string_value(json_object_get(program, "point_value"));
	const char *currency = json_string_value(json_object_get(program, "currency"));
	static const int days[] = {30, 60, 90};
	json_t *expiring = json_array();
	for (int i = 0; i < 3; i++) {
		long long points = reports_cell_ll(t, 0, 2 + i);
		json_array_append_new(expiring, json_pack("{s:i, s:I, s:o}", "days", days[i],
		                                          "points", (json_int_t)points,
		                                          "cash_value", cash(points, pv)));
	}
	long long outstanding = reports_cell_ll(t, 0, 0), earned = reports_cell_ll(t, 0, 5),
	          expired = reports_cell_ll(t, 0, 7);
	double breakage = 0;
	bool has_breakage = percent_of(expired, earned, &breakage);
	json_t *out = json_pack(
	    "{s:s, s:s?, s:s?, s:I, s:o, s:I, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:o, s:o, "
	    "s:o, s:{s:s, s:s, s:s, s:s}}",
	    "as_of", reports_cell(t, 0, 17), "currency", currency, "point_value", pv, "outstanding",
	    (json_int_t)outstanding, "cash_value", cash(outstanding, pv), "customers_with_points",
	    (json_int_t)reports_cell_ll(t, 0, 1), "expiring", expiring, "lifetime", "earned",
	    (json_int_t)earned, "redeemed", (json_int_t)reports_cell_ll(t, 0, 6), "expired",
	    (json_int_t)expired, "taken_back", (json_int_t)reports_cell_ll(t, 0, 8), "shortfall",
	    (json_int_t)reports_cell_ll(t, 0, 9), "adjusted", (json_int_t)reports_cell_ll(t, 0, 10),
	    "breakage", has_breakage ? json_real(breakage) : json_null(), "tiers",
	    json_loads(reports_cell(t, 0, 11), 0, NULL), "series",
	    json_loads(reports_cell(t, 0, 12), 0, NULL), "definition", "from",
	    reports_cell(t, 0, 13), "to", reports_cell(t, 0, 14), "tz", tz, "interval", "month");
	json_decref(program);
	return out;
}

enum step handle_report_points(struct request *req)
{
	const char *from = NULL, *to = NULL, *tz = NULL;
	struct report_table t;
	enum step rc;
	if ((rc = handlers_report_bound(req, "from", &from)) != STEP_GO_ON ||
	    (rc = handlers_report_bound(req, "to", &to)) != STEP_GO_ON ||
	    (rc = handlers_report_tz(req, &tz)) != STEP_GO_ON)
		return rc;
	const char *params[] = {req->who.tenant_id, from, to, tz};
	enum db_status st =
	    reports_table(req->app->pool, req->who.tenant_id, REPORT_POINTS, 4, params, &t);
	if (st != DB_OK)
		return handlers_report_failed(req, st);
	if (reports_cell(&t, 0, 16)[0] != 't')
		rc = handlers_bad_parameter(req, "from", "must be before to");
	else if (reports_cell_ll(&t, 0, 15) > REPORT_MAX_MONTHS)
		rc = handlers_bad_parameter(req, "from", "gives more than 1000 months up to to");
	else
		rc = http_reply_json(req, 200, report_json(&t, tz));
	reports_table_free(&t);
	return rc;
}
