/* handlers_report_clv.c - GET /v1/reports/clv: historical and predicted customer lifetime
 * value, for all customers and by RFM segment, tier or NPS category. */
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "domain/clv.h"
#include "domain/percent.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_reports.h"

static json_t *text_or_null(const char *v)
{
	return v ? json_string(v) : json_null();
}

static json_t *number_or_null(bool defined, double v)
{
	return defined ? json_real(v) : json_null();
}

/* The figures of a group of customers, and its name when it is one. */
static json_t *figures(const struct clv_figures *f)
{
	struct clv_inputs in = {0};
	struct clv_prediction p;
	double repeat = 0;
	in.average_order_value =
	    f->average_order_value_exact ? strtod(f->average_order_value_exact, NULL) : 0;
	in.orders_last_year = f->orders_last_year;
	in.customers_last_year = f->customers_last_year;
	in.churn_start = f->churn_start;
	in.churn_lost = f->churn_lost;
	clv_predict(&in, &p);
	bool has_repeat = percent_of(f->repeat_customers, f->customers, &repeat);
	json_t *o = json_pack(
	    "{s:I, s:I, s:{s:o, s:o, s:o, s:o}, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "customers",
	    (json_int_t)f->customers, "orders", (json_int_t)f->orders, "clv", "mean",
	    text_or_null(f->mean), "median", text_or_null(f->median), "p90", text_or_null(f->p90),
	    "max", text_or_null(f->max), "average_order_value",
	    text_or_null(f->average_order_value), "orders_per_customer_per_year",
	    number_or_null(p.has_frequency, p.orders_per_customer_per_year), "repeat_purchase_rate",
	    number_or_null(has_repeat, repeat), "median_days_between_orders",
	    number_or_null(f->has_median_gap, f->median_days_between_orders), "annual_churn",
	    number_or_null(p.has_churn, p.annual_churn), "expected_lifetime_years",
	    number_or_null(p.has_churn, p.lifetime_years), "predicted_clv",
	    number_or_null(p.defined, p.predicted));
	if (f->group)
		json_object_set_new(o, "group", json_string(f->group));
	return o;
}

enum step handle_report_clv(struct request *req)
{
	struct clv_query q = {.tenant_id = req->who.tenant_id};
	struct clv_report r;
	if (http_query(req, "by", &q.by) != 0 ||
	    (q.by && strcmp(q.by, "rfm_segment") != 0 && strcmp(q.by, "tier") != 0 &&
	     strcmp(q.by, "nps_category") != 0))
		return handlers_bad_parameter(req, "by",
		                              "must be rfm_segment, tier or nps_category");
	enum db_status st = reports_clv(req->app->pool, &q, &r);
	if (st != DB_OK)
		return problem_db(req, st);
	json_t *out = figures(&r.all);
	if (q.by) {
		json_t *groups = json_array();
		for (size_t i = 0; i < r.ngroups; i++)
			json_array_append_new(groups, figures(&r.groups[i]));
		json_object_set_new(out, "groups", groups);
	}
	json_object_set_new(out, "definition",
	                    json_pack("{s:s?, s:o}", "by", q.by, "as_of", text_or_null(r.as_of)));
	reports_release(&r.memory);
	return http_reply_json(req, 200, out);
}
