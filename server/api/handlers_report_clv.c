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

/* The figures of report row i (see sql/reports/clv.sql), or of nobody when i < 0. */
static json_t *figures(const struct report_table *t, int i)
{
	struct clv_inputs in = {0};
	struct clv_prediction p;
	double repeat = 0;
	const char *aov = reports_cell(t, i, 6), *gap = reports_cell(t, i, 11);
	const char *aov_exact = reports_cell(t, i, 15);
	long long customers = reports_cell_ll(t, i, 1);
	in.average_order_value = aov_exact ? strtod(aov_exact, NULL) : 0;
	in.orders_last_year = reports_cell_ll(t, i, 8);
	in.customers_last_year = reports_cell_ll(t, i, 9);
	in.churn_start = reports_cell_ll(t, i, 12);
	in.churn_lost = reports_cell_ll(t, i, 13);
	clv_predict(&in, &p);
	bool has_repeat = percent_of(reports_cell_ll(t, i, 10), customers, &repeat);
	return json_pack(
	    "{s:I, s:I, s:{s:o, s:o, s:o, s:o}, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "customers",
	    (json_int_t)customers, "orders", (json_int_t)reports_cell_ll(t, i, 7), "clv", "mean",
	    text_or_null(reports_cell(t, i, 2)), "median", text_or_null(reports_cell(t, i, 3)),
	    "p90", text_or_null(reports_cell(t, i, 4)), "max", text_or_null(reports_cell(t, i, 5)),
	    "average_order_value", text_or_null(aov), "orders_per_customer_per_year",
	    number_or_null(p.has_frequency, p.orders_per_customer_per_year), "repeat_purchase_rate",
	    number_or_null(has_repeat, repeat), "median_days_between_orders",
	    gap ? json_real(strtod(gap, NULL)) : json_null(), "annual_churn",
	    number_or_null(p.has_churn, p.annual_churn), "expected_lifetime_years",
	    number_or_null(p.has_churn, p.lifetime_years), "predicted_clv",
	    number_or_null(p.defined, p.predicted));
}

enum step handle_report_clv(struct request *req)
{
	const char *by = NULL;
	struct report_table t;
	if (http_query(req, "by", &by) != 0 ||
	    (by && strcmp(by, "rfm_segment") != 0 && strcmp(by, "tier") != 0 &&
	     strcmp(by, "nps_category") != 0))
		return handlers_bad_parameter(req, "by",
		                              "must be rfm_segment, tier or nps_category");
	const char *params[] = {req->who.tenant_id, by};
	enum db_status st =
	    reports_table(req->app->pool, req->who.tenant_id, REPORT_CLV, 2, params, &t);
	if (st != DB_OK)
		return problem_db(req, st);
	/* the first row is every customer (group null); none when nobody ordered */
	bool any = t.rows > 0 && !reports_cell(&t, 0, 0);
	json_t *out = figures(&t, any ? 0 : -1);
	if (by) {
		json_t *groups = json_array();
		for (int i = any ? 1 : 0; i < t.rows; i++) {
			json_t *g = figures(&t, i);
			json_object_set_new(g, "group", json_string(reports_cell(&t, i, 0)));
			json_array_append_new(groups, g);
		}
		json_object_set_new(out, "groups", groups);
	}
	json_object_set_new(out, "definition",
	                    json_pack("{s:s?, s:o}", "by", by, "as_of",
	                              text_or_null(t.rows > 0 ? reports_cell(&t, 0, 14) : NULL)));
	reports_table_free(&t);
	return http_reply_json(req, 200, out);
}
