/* handlers_report_points.c - GET /v1/reports/points: the programme's liability. */
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

static json_t *report_json(const struct points_report *r, const char *tz)
{
	json_t *program = r->program ? json_loads(r->program, 0, NULL) : NULL;
	const char *pv = json_string_value(json_object_get(program, "point_value"));
	const char *currency = json_string_value(json_object_get(program, "currency"));
	static const int days[] = {30, 60, 90};
	json_t *expiring = json_array();
	for (int i = 0; i < 3; i++)
		json_array_append_new(expiring, json_pack("{s:i, s:I, s:o}", "days", days[i],
		                                          "points", (json_int_t)r->expiring[i],
		                                          "cash_value", cash(r->expiring[i], pv)));
	double breakage = 0;
	bool has_breakage = percent_of(r->expired, r->earned, &breakage);
	json_t *out = json_pack(
	    "{s:s, s:s?, s:s?, s:I, s:o, s:I, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:o, s:o, "
	    "s:o, s:{s:s, s:s, s:s, s:s}}",
	    "as_of", r->as_of, "currency", currency, "point_value", pv, "outstanding",
	    (json_int_t)r->outstanding, "cash_value", cash(r->outstanding, pv),
	    "customers_with_points", (json_int_t)r->customers_with_points, "expiring", expiring,
	    "lifetime", "earned", (json_int_t)r->earned, "redeemed", (json_int_t)r->redeemed,
	    "expired", (json_int_t)r->expired, "taken_back", (json_int_t)r->taken_back, "shortfall",
	    (json_int_t)r->shortfall, "adjusted", (json_int_t)r->adjusted, "breakage",
	    has_breakage ? json_real(breakage) : json_null(), "tiers",
	    json_loads(r->tiers, 0, NULL), "series", json_loads(r->series, 0, NULL), "definition",
	    "from", r->from, "to", r->to, "tz", tz, "interval", "month");
	json_decref(program);
	return out;
}

enum step handle_report_points(struct request *req)
{
	struct points_report_query q = {.tenant_id = req->who.tenant_id};
	struct points_report r;
	enum step rc;
	if ((rc = handlers_report_range(req, &q.from, &q.to, &q.tz)) != STEP_GO_ON)
		return rc;
	enum db_status st = reports_points(req->app->pool, &q, &r);
	if (st != DB_OK)
		return handlers_report_failed(req, st);
	if (!r.ordered)
		rc = handlers_bad_parameter(req, "from", "must be before to");
	else if (r.months > REPORT_MAX_MONTHS)
		rc = handlers_bad_parameter(req, "from", "gives more than 1000 months up to to");
	else
		rc = http_reply_json(req, 200, report_json(&r, q.tz));
	reports_release(&r.memory);
	return rc;
}
