/* test_reports.c - GET /v1/reports/nps and /csat against the real server and database,
 * with values computed by hand: weekly buckets in Europe/Zagreb across the start of
 * summer time (2026-03-29), answers on bucket edges that UTC would place elsewhere, the
 * previous period, dedupe=latest, anonymous answers, CSAT, empty ranges and bad input. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static struct fixture fx;
static char nps_id[37], csat_id[37];

static void make_survey(const char *body, char id[37])
{
	struct response r;
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/surveys", body, NULL, &r), 0);
	assert_int_equal(r.status, 201);
	json_t *j = response_json(&r);
	snprintf(id, 37, "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
	response_free(&r);
}

static void answer(const char *survey, const char *body)
{
	struct response r;
	char path[96];
	snprintf(path, sizeof(path), "/v1/surveys/%s/responses", survey);
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", path, body, NULL, &r), 0);
	if (r.status != 201)
		fail_msg("%s: %d %s", body, r.status, r.body);
	response_free(&r);
}

static int setup(void **state)
{
	fixture_setup(state, &fx, NULL, "Report shop");
	make_survey("{\"name\":\"NPS\",\"kind\":\"nps\",\"question\":\"Recommend us?\"}", nps_id);
	make_survey("{\"name\":\"CSAT\",\"kind\":\"csat\",\"question\":\"Satisfied?\"}", csat_id);
	/* r1 Monday 03-23 00:30 in Zagreb (+01), still Sunday in UTC */
	answer(
	    nps_id,
	    "{\"customer_id\":\"zoran\",\"score\":10,\"responded_at\":\"2026-03-22T23:30:00Z\"}");
	/* r2 Monday 03-30 00:30 in Zagreb (+02 since the 29th), Sunday in UTC */
	answer(nps_id,
	       "{\"customer_id\":\"zoran\",\"score\":0,\"responded_at\":\"2026-03-29T22:30:00Z\"}");
	/* r3 Sunday 03-29 23:30 in Zagreb: the long week's last hour */
	answer(nps_id, "{\"score\":8,\"responded_at\":\"2026-03-29T21:30:00Z\"}");
	/* r4 the first half hour of the range */
	answer(nps_id, "{\"score\":9,\"responded_at\":\"2026-03-16T00:30:00+01:00\"}");
	/* r5 the last minute of the range, r6 just after it (to is exclusive) */
	answer(
	    nps_id,
	    "{\"score\":6,\"channel\":\"email\",\"responded_at\":\"2026-04-12T23:59:00+02:00\"}");
	answer(nps_id, "{\"score\":10,\"responded_at\":\"2026-04-13T00:00:00+02:00\"}");
	/* r7 one minute before the range: the previous period */
	answer(nps_id, "{\"score\":10,\"responded_at\":\"2026-03-15T23:59:00+01:00\"}");
	answer(csat_id, "{\"score\":5,\"responded_at\":\"2026-03-20T10:00:00Z\"}");
	answer(csat_id, "{\"score\":4,\"responded_at\":\"2026-03-21T10:00:00Z\"}");
	answer(csat_id, "{\"score\":2,\"responded_at\":\"2026-03-22T10:00:00Z\"}");
	return 0;
}

static json_t *report(const char *query, int status)
{
	struct response r;
	char path[512];
	snprintf(path, sizeof(path), "/v1/reports/%s", query);
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET", path, NULL, NULL, &r), 0);
	if (r.status != status)
		fail_msg("%s: %d %s", query, r.status, r.body);
	json_t *j = response_json(&r);
	response_free(&r);
	return j;
}

static double num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_number(v))
		fail_msg("%s is not a number", k);
	return json_number_value(v);
}

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void weekly_buckets_across_summer_time_in_zagreb(void **state)
{
	(void)state;
	char q[256];
	snprintf(q, sizeof(q),
	         "nps?survey_id=%s&from=2026-03-16&to=2026-04-13&interval=week&tz=Europe/Zagreb",
	         nps_id);
	json_t *j = report(q, 200);
	/* current: r1 P, r2 D, r3 Pa, r4 P, r5 D */
	assert_int_equal(num(j, "responses"), 5);
	assert_int_equal(num(j, "promoters"), 2);
	assert_int_equal(num(j, "passives"), 1);
	assert_int_equal(num(j, "detractors"), 2);
	assert_true(fabs(num(j, "nps") - 0.0) < 1e-9);
	assert_true(fabs(num(j, "promoters_pct") - 40.0) < 1e-9);
	/* var = 0.4 + 0.4 - 0 = 0.8: moe = 1.96 * sqrt(0.8 / 5) * 100 = 78.4 */
	assert_true(fabs(num(j, "margin_of_error") - 78.4) < 1e-9);
	json_t *def = json_object_get(j, "definition");
	assert_string_equal(str(def, "from"), "2026-03-16T00:00:00+01:00");
	assert_string_equal(str(def, "to"), "2026-04-13T00:00:00+02:00");
	assert_string_equal(str(def, "tz"), "Europe/Zagreb");
	assert_string_equal(str(def, "interval"), "week");
	assert_string_equal(str(def, "dedupe"), "none");
	assert_string_equal(str(j, "data_through"), "2026-04-12T21:59:00.000000Z");

	json_t *series = json_object_get(j, "series");
	assert_int_equal(json_array_size(series), 4);
	const char *starts[] = {"2026-03-16T00:00:00+01:00", "2026-03-23T00:00:00+01:00",
	                        "2026-03-30T00:00:00+02:00", "2026-04-06T00:00:00+02:00"};
	const char *ends[] = {"2026-03-23T00:00:00+01:00", "2026-03-30T00:00:00+02:00",
	                      "2026-04-06T00:00:00+02:00", "2026-04-13T00:00:00+02:00"};
	const int responses[] = {1, 2, 1, 1};
	const double nps[] = {100.0, 50.0, -100.0, -100.0};
	for (int i = 0; i < 4; i++) {
		json_t *b = json_array_get(series, (size_t)i);
		assert_string_equal(str(b, "start"), starts[i]);
		assert_string_equal(str(b, "end"), ends[i]);
		assert_int_equal(num(b, "responses"), responses[i]);
		assert_true(fabs(num(b, "nps") - nps[i]) < 1e-9);
	}
	/* previous: the 28 days less one hour before, holding r7 alone */
	json_t *prev = json_object_get(j, "previous");
	assert_int_equal(num(prev, "responses"), 1);
	assert_true(fabs(num(prev, "nps") - 100.0) < 1e-9);
	assert_string_equal(str(prev, "to"), "2026-03-16T00:00:00+01:00");
	assert_true(fabs(num(prev, "change") - (-100.0)) < 1e-9);
	/* a unanimous previous period against a split one: var 0 and 0.8, N 1 and 5:
	 * z = -1 / sqrt(0.16) = -2.5, p = 0.0124: significant */
	assert_true(fabs(num(prev, "z") - (-2.5)) < 1e-9);
	assert_true(fabs(num(prev, "p_value") - 0.0124) < 1e-9);
	assert_true(json_is_true(json_object_get(prev, "significant")));
	json_decref(j);

	/* the same dates in UTC: r4 (00:30 at +01:00) falls before the range, and r1 and r2
	 * a week earlier than in Zagreb */
	snprintf(q, sizeof(q), "nps?survey_id=%s&from=2026-03-16&to=2026-04-13&interval=week",
	         nps_id);
	j = report(q, 200);
	series = json_object_get(j, "series");
	assert_int_equal(json_array_size(series), 4);
	assert_int_equal(num(json_array_get(series, 0), "responses"), 1); /* r1 */

	assert_int_equal(num(json_array_get(series, 1), "responses"), 2); /* r3, r2 */
	assert_int_equal(num(json_array_get(series, 2), "responses"), 0); /* empty, present */
	assert_true(json_is_null(json_object_get(json_array_get(series, 2), "nps")));
	json_decref(j);
}

static void dedupe_latest_counts_each_customer_once(void **state)
{
	(void)state;
	char q[256];
	snprintf(q, sizeof(q),
	         "nps?survey_id=%s&from=2026-03-16&to=2026-04-13&tz=Europe/Zagreb&dedupe=latest",
	         nps_id);
	json_t *j = report(q, 200);
	/* zoran's latest is r2 (0): r1 drops; anonymous answers all count */
	assert_int_equal(num(j, "responses"), 4);
	assert_int_equal(num(j, "promoters"), 1);
	assert_true(fabs(num(j, "nps") - (-25.0)) < 1e-9);
	assert_string_equal(str(json_object_get(j, "definition"), "dedupe"), "latest");
	assert_null(json_object_get(j, "series"));
	json_decref(j);
	/* channel filter */
	snprintf(q, sizeof(q), "nps?from=2026-03-16&to=2026-04-13&tz=Europe/Zagreb&channel=email");
	j = report(q, 200);
	assert_int_equal(num(j, "responses"), 1);
	assert_true(fabs(num(j, "nps") - (-100.0)) < 1e-9);
	json_decref(j);
}

static void csat_is_the_share_of_4_and_5(void **state)
{
	(void)state;
	json_t *j = report("csat?from=2026-03-01&to=2026-04-01&interval=month", 200);
	assert_int_equal(num(j, "responses"), 3);
	assert_int_equal(num(j, "satisfied"), 2);
	assert_true(fabs(num(j, "csat") - 66.67) < 1e-9);
	/* 1.96 * sqrt((2/3)(1/3) / 3) * 100 = 53.34 */
	assert_true(fabs(num(j, "margin_of_error") - 53.34) < 1e-9);
	assert_int_equal(json_array_size(json_object_get(j, "series")), 1);
	json_decref(j);
}

static void empty_range_has_null_figures(void **state)
{
	(void)state;
	json_t *j = report("nps?from=2020-01-01&to=2020-01-08&interval=day", 200);
	assert_int_equal(num(j, "responses"), 0);
	assert_true(json_is_null(json_object_get(j, "nps")));
	assert_true(json_is_null(json_object_get(j, "margin_of_error")));
	assert_true(json_is_null(json_object_get(j, "data_through")));
	assert_int_equal(json_array_size(json_object_get(j, "series")), 7);
	assert_true(json_is_null(json_object_get(json_object_get(j, "previous"), "significant")));
	json_decref(j);
}

static void bad_parameters_are_named(void **state)
{
	(void)state;
	const struct {
		const char *query;
		const char *parameter;
	} cases[] = {
	    {"nps?interval=year", "interval"},
	    {"nps?tz=Mars/Olympus_Mons", "tz"},
	    {"nps?tz=../../etc/passwd", "tz"},
	    {"nps?from=2026-04-01&to=2026-03-01", "from"},
	    {"nps?from=yesterday", "from"},
	    {"nps?to=2101-01-01", "to"},
	    {"nps?dedupe=first", "dedupe"},
	    {"nps?channel=fax", "channel"},
	    {"nps?from=1970-01-01&to=2100-01-01&interval=day", "interval"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *j = report(cases[i].query, 400);
		json_t *e = json_array_get(json_object_get(j, "errors"), 0);
		if (strcmp(str(e, "parameter"), cases[i].parameter) != 0)
			fail_msg("%s named %s", cases[i].query, str(e, "parameter"));
		json_decref(j);
	}
	char q[128];
	snprintf(q, sizeof(q), "nps?survey_id=%s", csat_id);
	json_t *j = report(q, 400);
	json_decref(j);
	j = report("nps?survey_id=00000000-0000-0000-0000-000000000000", 404);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(weekly_buckets_across_summer_time_in_zagreb),
	    cmocka_unit_test(dedupe_latest_counts_each_customer_once),
	    cmocka_unit_test(csat_is_the_share_of_4_and_5),
	    cmocka_unit_test(empty_range_has_null_figures),
	    cmocka_unit_test(bad_parameters_are_named),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
