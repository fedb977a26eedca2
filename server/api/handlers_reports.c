/* handlers_reports.c - GET /v1/reports/nps and /v1/reports/csat. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "domain/nps.h"
#include "domain/validate.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_reports.h"
#include "store/store_surveys.h"

#define REPORT_MAX_BUCKETS 1000

/* A figure rounded to two decimals, or null when undefined. */
static json_t *figure(bool defined, double v)
{
	return defined ? json_real(nps_round2(v)) : json_null();
}

static json_t *nps_figures(const struct nps_result *r)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "responses",
	                 (json_int_t)r->responses, "promoters", (json_int_t)r->promoters,
	                 "passives", (json_int_t)r->passives, "detractors",
	                 (json_int_t)r->detractors, "promoters_pct",
	                 figure(r->defined, r->promoters_pct), "passives_pct",
	                 figure(r->defined, r->passives_pct), "detractors_pct",
	                 figure(r->defined, r->detractors_pct), "nps", figure(r->defined, r->nps),
	                 "margin_of_error", figure(r->defined, r->margin_of_error), "ci_low",
	                 figure(r->defined, r->ci_low), "ci_high", figure(r->defined, r->ci_high));
}

static json_t *csat_figures(const struct csat_result *r)
{
	return json_pack("{s:I, s:I, s:o, s:o}", "responses", (json_int_t)r->responses, "satisfied",
	                 (json_int_t)r->satisfied, "csat", figure(r->defined, r->csat),
	                 "margin_of_error", figure(r->defined, r->margin_of_error));
}

/* The figures of one period, with its bounds. */
static json_t *period_json(const struct period_counts *p, bool nps, struct nps_result *nr,
                           const char *start_key, const char *end_key)
{
	json_t *o;
	if (nps) {
		nps_compute(p->promoters, p->passives, p->detractors, nr);
		o = nps_figures(nr);
	} else {
		struct csat_result cr;
		csat_compute(p->responses, p->satisfied, &cr);
		o = csat_figures(&cr);
	}
	json_object_set_new(o, start_key, json_string(p->start));
	json_object_set_new(o, end_key, json_string(p->end));
	return o;
}

static enum step survey_report(struct request *req, const char *kind)
{
	struct survey_counts_query q = {.tenant_id = req->who.tenant_id, .kind = kind, .tz = "UTC"};
	const char *dedupe = NULL;
	bool nps = strcmp(kind, "nps") == 0;
	struct period_counts *periods = NULL;
	size_t n = 0;
	enum step rc;
	if ((rc = handlers_report_range(req, &q.from, &q.to, &q.tz)) != STEP_GO_ON)
		return rc;
	if (http_query(req, "interval", &q.interval) != 0 ||
	    (q.interval && strcmp(q.interval, "day") != 0 && strcmp(q.interval, "week") != 0 &&
	     strcmp(q.interval, "month") != 0))
		return handlers_bad_parameter(req, "interval", "must be day, week or month");
	if (http_query(req, "dedupe", &dedupe) != 0 ||
	    (dedupe && strcmp(dedupe, "latest") != 0 && strcmp(dedupe, "none") != 0))
		return handlers_bad_parameter(req, "dedupe", "must be latest or none");
	q.dedupe_latest = dedupe && strcmp(dedupe, "latest") == 0;
	if (http_query(req, "channel", &q.channel) != 0 ||
	    (q.channel && strcmp(q.channel, "email") != 0 && strcmp(q.channel, "web") != 0 &&
	     strcmp(q.channel, "in_app") != 0 && strcmp(q.channel, "sms") != 0 &&
	     strcmp(q.channel, "other") != 0))
		return handlers_bad_parameter(req, "channel",
		                              "must be email, web, in_app, sms or other");
	if (http_query(req, "survey_id", &q.survey_id) != 0)
		return handlers_bad_parameter(req, "survey_id", "is malformed");
	if (q.survey_id) {
		char *json = NULL;
		struct survey_info info;
		bool uuid = strlen(q.survey_id) == 36 &&
		            strspn(q.survey_id, "0123456789abcdefABCDEF-") == 36;
		enum db_status st = uuid ? surveys_get(req->app->pool, req->who.tenant_id,
		                                       q.survey_id, &json, &info)
		                         : DB_OK;
		free(json);
		if (st != DB_OK)
			return problem_db(req, st);
		if (!uuid || !json)
			return problem_reply(req, 404, "not-found", "no such survey");
		if (strcmp(info.kind, kind) != 0)
			return handlers_bad_parameter(
			    req, "survey_id",
			    nps ? "is a CSAT survey: see /v1/reports/csat"
			        : "is an NPS survey: see /v1/reports/nps");
	}
	enum db_status st = reports_survey_counts(req->app->pool, &q, &periods, &n);
	if (st != DB_OK)
		return handlers_report_failed(req, st);
	if (n < 2 || strcmp(periods[0].start, periods[0].end) >= 0) {
		free(periods);
		return handlers_bad_parameter(req, "from", "must be before to");
	}
	if (n - 2 > REPORT_MAX_BUCKETS) {
		free(periods);
		return handlers_bad_parameter(req, "interval",
		                              "gives more than 1000 buckets for this range");
	}
	struct nps_result cur, prev, bucket;
	json_t *out = period_json(&periods[0], nps, &cur, "from", "to");
	json_t *before = period_json(&periods[1], nps, &prev, "from", "to");
	json_object_del(out, "from");
	json_object_del(out, "to");
	if (nps) {
		struct nps_change ch;
		nps_compare(&cur, &prev, &ch);
		json_object_set_new(before, "change", figure(ch.defined, ch.change));
		json_object_set_new(before, "z",
		                    ch.defined && isfinite(ch.z) ? json_real(nps_round2(ch.z))
		                                                 : json_null());
		json_object_set_new(before, "p_value",
		                    ch.defined ? json_real(round(ch.p_value * 10000) / 10000)
		                               : json_null());
		json_object_set_new(before, "significant",
		                    ch.defined ? json_boolean(ch.significant) : json_null());
	} else {
		struct csat_result c1, c0;
		csat_compute(periods[0].responses, periods[0].satisfied, &c1);
		csat_compute(periods[1].responses, periods[1].satisfied, &c0);
		json_object_set_new(before, "change",
		                    figure(c1.defined && c0.defined, c1.csat - c0.csat));
	}
	json_object_set_new(out, "previous", before);
	if (q.interval) {
		json_t *series = json_array();
		for (size_t i = 2; i < n; i++)
			json_array_append_new(
			    series, period_json(&periods[i], nps, &bucket, "start", "end"));
		json_object_set_new(out, "series", series);
	}
	json_object_set_new(out, "definition",
	                    json_pack("{s:s, s:s?, s:s?, s:s, s:s, s:s, s:s?, s:s}", "kind", kind,
	                              "survey_id", q.survey_id, "channel", q.channel, "from",
	                              periods[0].start, "to", periods[0].end, "tz", q.tz,
	                              "interval", q.interval, "dedupe",
	                              q.dedupe_latest ? "latest" : "none"));
	json_object_set_new(out, "data_through",
	                    periods[0].data_through[0] ? json_string(periods[0].data_through)
	                                               : json_null());
	free(periods);
	return http_reply_json(req, 200, out);
}

enum step handle_report_nps(struct request *req)
{
	return survey_report(req, "nps");
}

enum step handle_report_csat(struct request *req)
{
	return survey_report(req, "csat");
}
