/* test_surveys.c - surveys and their answers against the real server and database:
 * validation with pointers, NPS and CSAT score ranges, anonymous answers, idempotent
 * answers, the respond scope, a CORS preflight from a shop's page, filters and
 * multilingual full-text search, tenant isolation, and erasure with the customer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

static struct fixture fx;
static char other_tenant[37], other_key[64];
static char nps_id[37], csat_id[37];

static void create_survey(const char *body, char id[37])
{
	struct response r;
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/surveys", body, NULL, &r), 0);
	assert_int_equal(r.status, 201);
	json_t *j = response_json(&r);
	snprintf(id, 37, "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
	response_free(&r);
}

static int setup(void **state)
{
	static const char *const env[] = {"LOYALTYD_CORS_ORIGINS=https://shop.example", NULL};
	fixture_setup(state, &fx, env, "Survey shop");
	create_tenant(fx.srv.port, "Other shop", other_tenant, other_key);
	create_survey("{\"name\":\"After delivery\",\"kind\":\"nps\",\"question\":\"Would you "
	              "recommend us to a friend?\",\"follow_up_questions\":[\"What should we "
	              "improve?\",\"Anything else?\"]}",
	              nps_id);
	create_survey(
	    "{\"name\":\"Support\",\"kind\":\"csat\",\"question\":\"How satisfied are you?\"}",
	    csat_id);
	return 0;
}

static void survey_is_shown_with_its_count(void **state)
{
	struct response r;
	char path[96];
	(void)state;
	snprintf(path, sizeof(path), "/v1/surveys/%s", nps_id);
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET", path, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	json_t *s = response_json(&r);
	assert_string_equal(json_string_value(json_object_get(s, "kind")), "nps");
	assert_string_equal(json_string_value(json_object_get(s, "question")),
	                    "Would you recommend us to a friend?");
	assert_int_equal(json_array_size(json_object_get(s, "follow_up_questions")), 2);
	assert_true(json_is_integer(json_object_get(s, "response_count")));
	json_decref(s);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET", "/v1/surveys?limit=1", NULL, NULL, &r),
	                 0);
	json_t *page = response_json(&r);
	assert_int_equal(json_array_size(json_object_get(page, "data")), 1);
	assert_true(json_is_string(json_object_get(page, "next_cursor")));
	json_decref(page);
	response_free(&r);
	/* another tenant does not see it */
	assert_int_equal(call_as(fx.srv.port, other_key, "GET", path, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "GET", "/v1/surveys/not-a-uuid", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
}

static void expect_422(const char *method, const char *path, const char *body, const char *pointer,
                       const char *message)
{
	struct response r;
	assert_int_equal(call_as(fx.srv.port, fx.key, method, path, body, NULL, &r), 0);
	if (!response_single_error(&r, 422, pointer, message))
		fail_msg("%s\n got %d %s\nwant %s: %s", body, r.status, r.body, pointer, message);
	response_free(&r);
}

static void every_survey_rule_answers_422(void **state)
{
	(void)state;
	long before = db_long("SELECT count(*) FROM surveys WHERE tenant_id = $1", fx.tenant);
	expect_422("POST", "/v1/surveys", "{\"kind\":\"nps\",\"question\":\"Q\"}", "/name",
	           "is required");
	expect_422("POST", "/v1/surveys", "{\"name\":\"S\",\"kind\":\"ces\",\"question\":\"Q\"}",
	           "/kind", "must be nps or csat");
	expect_422("POST", "/v1/surveys", "{\"name\":\"S\",\"kind\":\"nps\",\"question\":\"\"}",
	           "/question", "must be 1 to 500 characters long");
	expect_422(
	    "POST", "/v1/surveys",
	    "{\"name\":\"S\",\"kind\":\"nps\",\"question\":\"Q\",\"follow_up_questions\":[\"\"]}",
	    "/follow_up_questions/0", "must be a question of 1 to 500 characters");
	expect_422(
	    "POST", "/v1/surveys",
	    "{\"name\":\"S\",\"kind\":\"nps\",\"question\":\"Q\",\"follow_up_questions\":\"x\"}",
	    "/follow_up_questions", "must be an array of at most 10 questions");
	expect_422("POST", "/v1/surveys",
	           "{\"name\":\"S\",\"kind\":\"nps\",\"question\":\"Q\",\"x\":1}", "/x",
	           "unknown field");
	assert_int_equal(db_long("SELECT count(*) FROM surveys WHERE tenant_id = $1", fx.tenant),
	                 before);
}

static void every_response_rule_answers_422(void **state)
{
	char nps[96], csat[96];
	(void)state;
	snprintf(nps, sizeof(nps), "/v1/surveys/%s/responses", nps_id);
	snprintf(csat, sizeof(csat), "/v1/surveys/%s/responses", csat_id);
	long before =
	    db_long("SELECT count(*) FROM survey_responses WHERE tenant_id = $1", fx.tenant);
	expect_422("POST", nps, "{\"comment\":\"x\"}", "/score", "is required");
	expect_422("POST", nps, "{\"score\":11}", "/score", "must be a whole number from 0 to 10");
	expect_422("POST", nps, "{\"score\":-1}", "/score", "must be a whole number from 0 to 10");
	expect_422("POST", nps, "{\"score\":8.5}", "/score", "must be a whole number from 0 to 10");
	expect_422("POST", csat, "{\"score\":0}", "/score", "must be a whole number from 1 to 5");
	expect_422("POST", csat, "{\"score\":6}", "/score", "must be a whole number from 1 to 5");
	expect_422("POST", nps, "{\"score\":9,\"channel\":\"fax\"}", "/channel",
	           "must be email, web, in_app, sms or other");
	expect_422("POST", nps, "{\"score\":9,\"customer_id\":\"\"}", "/customer_id",
	           "must be 1 to 128 characters long");
	expect_422("POST", nps, "{\"score\":9,\"answers\":[\"a\",\"b\",\"c\"]}", "/answers",
	           "must be an array of at most 2 answer(s), one per follow-up question");
	expect_422("POST", nps, "{\"score\":9,\"answers\":[7]}", "/answers/0",
	           "must be a text of at most 4000 characters or null");
	expect_422("POST", nps, "{\"score\":9,\"responded_at\":\"2026-02-30T00:00:00Z\"}",
	           "/responded_at", "must be an RFC 3339 time from 1970 to 2100");
	expect_422("POST", nps, "{\"score\":9,\"rating\":5}", "/rating", "unknown field");
	char long_comment[4100 + 64];
	memcpy(long_comment, "{\"score\":9,\"comment\":\"", 22);
	memset(long_comment + 22, 'x', 4001);
	strcpy(long_comment + 22 + 4001, "\"}");
	expect_422("POST", nps, long_comment, "/comment", "must be 0 to 4000 characters long");
	assert_int_equal(
	    db_long("SELECT count(*) FROM survey_responses WHERE tenant_id = $1", fx.tenant),
	    before);
}

static void answers_anonymous_identified_and_repeated(void **state)
{
	struct response r;
	char path[96];
	(void)state;
	snprintf(path, sizeof(path), "/v1/surveys/%s/responses", nps_id);
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", path,
	                         "{\"score\":4,\"comment\":\"Slow delivery\"}", NULL, &r),
	                 0);
	assert_int_equal(r.status, 201);
	json_t *a = response_json(&r);
	assert_true(json_is_null(json_object_get(a, "customer_id")));
	assert_true(json_is_null(json_object_get(a, "id")));
	assert_string_equal(json_string_value(json_object_get(a, "category")), "detractor");
	assert_string_equal(json_string_value(json_object_get(a, "channel")), "other");
	json_decref(a);
	response_free(&r);

	const char *body = "{\"id\":\"nps-1\",\"customer_id\":\"ivana\",\"score\":10,\"comment\":"
	                   "\"Odlična usluga, brza dostava\",\"channel\":\"email\",\"answers\":"
	                   "[\"nothing\",null],\"responded_at\":\"2026-06-01T10:00:00+02:00\"}";
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", path, body, NULL, &r), 0);
	assert_int_equal(r.status, 201);
	a = response_json(&r);
	json_object_del(a, "received_at");
	char want[512];
	snprintf(want, sizeof(want),
	         "{\"id\":\"nps-1\",\"survey_id\":\"%s\",\"customer_id\":\"ivana\",\"score\":10,"
	         "\"category\":\"promoter\",\"comment\":\"Odlična usluga, brza dostava\","
	         "\"channel\":\"email\",\"answers\":[\"nothing\",null],"
	         "\"responded_at\":\"2026-06-01T08:00:00.000000Z\"}",
	         nps_id);
	json_t *w = json_loads(want, 0, NULL);
	if (!json_equal(a, w))
		fail_msg("got %s", r.body);
	json_decref(w);
	json_decref(a);
	response_free(&r);
	/* the same answer again: not stored twice, answered 200 with the stored answer */
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", path, body, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	a = response_json(&r);
	assert_int_equal(json_integer_value(json_object_get(a, "score")), 10);
	assert_string_equal(json_string_value(json_object_get(a, "customer_id")), "ivana");
	json_decref(a);
	response_free(&r);
	/* the same id with another answer is no replay: 409, and nothing of the stored answer
	 * (another customer's, perhaps) is shown */
	const char *others[] = {
	    "{\"id\":\"nps-1\",\"score\":0}",
	    "{\"id\":\"nps-1\",\"customer_id\":\"ivana\",\"score\":9,\"comment\":"
	    "\"Odlična usluga, brza "
	    "dostava\",\"channel\":\"email\",\"answers\":[\"nothing\",null]}",
	    "{\"id\":\"nps-1\",\"customer_id\":\"marko\",\"score\":10,\"comment\":"
	    "\"Odlična usluga, brza "
	    "dostava\",\"channel\":\"email\",\"answers\":[\"nothing\",null]}",
	    NULL};
	for (int i = 0; others[i]; i++) {
		assert_int_equal(call_as(fx.srv.port, fx.key, "POST", path, others[i], NULL, &r),
		                 0);
		assert_int_equal(r.status, 409);
		assert_true(response_json_equal(
		    &r,
		    "{\"type\":\"urn:loyaltyd:problem:response-id-in-use\",\"title\":\"Conflict\","
		    "\"status\":409,\"detail\":\"another answer was stored with this id; send a "
		    "new id\"}",
		    NULL));
		assert_null(strstr(r.body, "ivana"));
		assert_null(strstr(r.body, "Odlična"));
		response_free(&r);
	}
	/* the refused repeat did not create its customer */
	assert_int_equal(db_long("SELECT count(*) FROM customers WHERE tenant_id = $1 AND "
	                         "external_id = 'marko'",
	                         fx.tenant),
	                 0);
	assert_int_equal(db_long("SELECT count(*) FROM survey_responses WHERE tenant_id = $1 AND "
	                         "client_id = 'nps-1'",
	                         fx.tenant),
	                 1);
	/* the customer was created on first sight */
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET", "/v1/customers/ivana", NULL, NULL, &r),
	                 0);
	assert_int_equal(r.status, 200);
	response_free(&r);
}

static void respond_key_may_answer_and_nothing_else(void **state)
{
	struct response r;
	char k[64], kid[37], path[96];
	(void)state;
	create_key(fx.srv.port, fx.key, "[\"respond\"]", k, kid);
	snprintf(path, sizeof(path), "/v1/surveys/%s/responses", csat_id);
	assert_int_equal(
	    call_as(fx.srv.port, k, "POST", path, "{\"score\":5,\"channel\":\"web\"}", NULL, &r),
	    0);
	assert_int_equal(r.status, 201);
	assert_non_null(strstr(r.body, "\"category\" : null"));
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, k, "GET", path, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, k, "GET", "/v1/customers", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, k, "POST", "/v1/events",
	                         "{\"customer_id\":\"x\",\"type\":\"visit\",\"occurred_at\":"
	                         "\"2026-01-01T00:00:00Z\"}",
	                         NULL, &r),
	                 0);
	assert_int_equal(r.status, 403);
	response_free(&r);
	/* an anonymous repeat of another customer's answer id, with the respond key, to this
	 * or another survey: 409 with nothing revealed */
	char nps_path[96];
	snprintf(nps_path, sizeof(nps_path), "/v1/surveys/%s/responses", nps_id);
	const char *legit = "{\"id\":\"legit-1\",\"customer_id\":\"verified-1\",\"score\":4,"
	                    "\"comment\":\"private words\"}";
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", path, legit, NULL, &r), 0);
	assert_int_equal(r.status, 201);
	response_free(&r);
	const char *probes[][2] = {{path, "{\"id\":\"legit-1\",\"score\":4}"},
	                           {path, "{\"id\":\"legit-1\",\"score\":1}"},
	                           {nps_path, "{\"id\":\"legit-1\",\"score\":0}"}};
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		assert_int_equal(
		    call_as(fx.srv.port, k, "POST", probes[i][0], probes[i][1], NULL, &r), 0);
		assert_int_equal(r.status, 409);
		assert_null(strstr(r.body, "verified-1"));
		assert_null(strstr(r.body, "private words"));
		response_free(&r);
	}
	assert_int_equal(db_long("SELECT count(*) FROM survey_responses WHERE tenant_id = $1 AND "
	                         "client_id = 'legit-1' AND score = 4",
	                         fx.tenant),
	                 1);
	/* and cannot date an answer in the future (an ingest key may, for imports) */
	char when[160];
	time_t later = time(NULL) + 3600;
	struct tm tm;
	gmtime_r(&later, &tm);
	strftime(when, sizeof(when), "{\"score\":5,\"responded_at\":\"%Y-%m-%dT%H:%M:%SZ\"}", &tm);
	long before =
	    db_long("SELECT count(*) FROM survey_responses WHERE tenant_id = $1", fx.tenant);
	assert_int_equal(call_as(fx.srv.port, k, "POST", path, when, NULL, &r), 0);
	assert_true(response_single_error(&r, 422, "/responded_at",
	                                  "must not be in the future (at most 5 minutes ahead)"));
	response_free(&r);
	assert_int_equal(
	    db_long("SELECT count(*) FROM survey_responses WHERE tenant_id = $1", fx.tenant),
	    before);
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", path, when, NULL, &r), 0);
	assert_int_equal(r.status, 201);
	response_free(&r);
	/* another tenant's key cannot answer this tenant's survey */
	assert_int_equal(call_as(fx.srv.port, other_key, "POST", path, "{\"score\":5}", NULL, &r),
	                 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
}

static void widget_preflight_from_the_shop(void **state)
{
	struct response r;
	char path[96];
	const char *h[] = {"Origin: https://shop.example", "Access-Control-Request-Method: POST",
	                   "Access-Control-Request-Headers: authorization, content-type", NULL};
	(void)state;
	snprintf(path, sizeof(path), "/v1/surveys/%s/responses", nps_id);
	assert_int_equal(http(fx.srv.port, "OPTIONS", path, h, NULL, &r), 0);
	assert_int_equal(r.status, 204);
	assert_string_equal(response_header(&r, "Access-Control-Allow-Origin"),
	                    "https://shop.example");
	assert_string_equal(response_header(&r, "Access-Control-Allow-Methods"),
	                    "POST, GET, HEAD, OPTIONS");
	assert_non_null(
	    strstr(response_header(&r, "Access-Control-Allow-Headers"), "Authorization"));
	response_free(&r);
}

static size_t count_of(const char *query)
{
	struct response r;
	char path[256];
	snprintf(path, sizeof(path), "/v1/surveys/%s/responses?%s", nps_id, query);
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET", path, NULL, NULL, &r), 0);
	if (r.status != 200)
		fail_msg("%s: %d %s", query, r.status, r.body);
	json_t *page = response_json(&r);
	size_t n = json_array_size(json_object_get(page, "data"));
	json_decref(page);
	response_free(&r);
	return n;
}

static void filters_and_multilingual_search(void **state)
{
	struct response r;
	char path[96];
	(void)state;
	snprintf(path, sizeof(path), "/v1/surveys/%s/responses", nps_id);
	const char *bodies[] = {
	    "{\"score\":9,\"comment\":\"Дуже швидка "
	    "доставка\",\"channel\":\"web\",\"responded_at\":\"2026-07-01T00:00:00Z\"}",
	    "{\"score\":7,\"comment\":\"Доставка была "
	    "медленной\",\"channel\":\"web\",\"responded_at\":\"2026-07-02T00:00:00Z\"}",
	    "{\"score\":2,\"comment\":\"Paket je stigao oštećen; dostava "
	    "spora\",\"channel\":\"sms\",\"responded_at\":\"2026-07-03T00:00:00Z\"}",
	    "{\"score\":8,\"channel\":\"web\",\"responded_at\":\"2026-07-04T00:00:00Z\"}", NULL};
	for (int i = 0; bodies[i]; i++) {
		assert_int_equal(call_as(fx.srv.port, fx.key, "POST", path, bodies[i], NULL, &r),
		                 0);
		assert_int_equal(r.status, 201);
		response_free(&r);
	}
	const char *july = "from=2026-07-01&to=2026-08-01";
	char q[200];
	snprintf(q, sizeof(q), "%s", july);
	assert_int_equal(count_of(q), 4);
	snprintf(q, sizeof(q), "%s&category=promoter", july);
	assert_int_equal(count_of(q), 1);
	snprintf(q, sizeof(q), "%s&category=passive", july);
	assert_int_equal(count_of(q), 2);
	snprintf(q, sizeof(q), "%s&category=detractor", july);
	assert_int_equal(count_of(q), 1);
	snprintf(q, sizeof(q), "%s&has_comment=false", july);
	assert_int_equal(count_of(q), 1);
	snprintf(q, sizeof(q), "%s&channel=web", july);
	assert_int_equal(count_of(q), 3);
	/* "доставка" is in the Ukrainian and (capitalised) the Russian comment; Croatian
	 * "oštećen"; a word in no comment; and punctuation that must not break the query */
	assert_int_equal(count_of("q=%D0%B4%D0%BE%D1%81%D1%82%D0%B0%D0%B2%D0%BA%D0%B0"), 2);

	assert_int_equal(count_of("q=o%C5%A1te%C4%87en"), 1);
	assert_int_equal(count_of("q=nowhere"), 0);
	assert_int_equal(count_of("q=%22%27%3A%26%21%28"), 0);
	/* newest first, with a cursor */
	snprintf(q, sizeof(q), "/v1/surveys/%s/responses?%s&limit=3", nps_id, july);
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET", q, NULL, NULL, &r), 0);
	json_t *page = response_json(&r);
	assert_int_equal(json_integer_value(json_object_get(
	                     json_array_get(json_object_get(page, "data"), 0), "score")),
	                 8);
	snprintf(q, sizeof(q), "/v1/surveys/%s/responses?%s&limit=3&cursor=%s", nps_id, july,
	         json_string_value(json_object_get(page, "next_cursor")));
	json_decref(page);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET", q, NULL, NULL, &r), 0);
	page = response_json(&r);
	assert_int_equal(json_array_size(json_object_get(page, "data")), 1);
	assert_int_equal(json_integer_value(json_object_get(
	                     json_array_get(json_object_get(page, "data"), 0), "score")),
	                 9);
	json_decref(page);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET",
	                         "/v1/surveys/00000000-0000-0000-0000-000000000000/responses", NULL,
	                         NULL, &r),
	                 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
	snprintf(q, sizeof(q), "/v1/surveys/%s/responses?category=promoter", csat_id);
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET", q, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 400);
	response_free(&r);
}

static void erasing_a_customer_erases_their_answers(void **state)
{
	struct response r;
	char path[96];
	(void)state;
	snprintf(path, sizeof(path), "/v1/surveys/%s/responses", nps_id);
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", path,
	                         "{\"customer_id\":\"forget-me\",\"score\":6}", NULL, &r),
	                 0);
	assert_int_equal(r.status, 201);
	response_free(&r);
	assert_int_equal(db_long("SELECT count(*) FROM customer_nps_latest l JOIN customers c ON "
	                         "c.tenant_id = l.tenant_id AND c.id = l.customer_id WHERE "
	                         "c.external_id = 'forget-me' AND l.category = 'detractor' AND "
	                         "l.tenant_id = $1",
	                         fx.tenant),
	                 1);
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "DELETE", "/v1/customers/forget-me", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 204);
	response_free(&r);
	assert_int_equal(db_long("SELECT count(*) FROM survey_responses WHERE tenant_id = $1 AND "
	                         "score = 6 AND customer_id IS NOT NULL AND customer_id NOT IN "
	                         "(SELECT id FROM customers WHERE tenant_id = $1)",
	                         fx.tenant),
	                 0);
	assert_int_equal(db_long("SELECT count(*) FROM survey_responses r JOIN customers c ON "
	                         "c.tenant_id = r.tenant_id AND c.id = r.customer_id WHERE "
	                         "c.external_id = 'forget-me' AND r.tenant_id = $1",
	                         fx.tenant),
	                 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(survey_is_shown_with_its_count),
	    cmocka_unit_test(every_survey_rule_answers_422),
	    cmocka_unit_test(every_response_rule_answers_422),
	    cmocka_unit_test(answers_anonymous_identified_and_repeated),
	    cmocka_unit_test(respond_key_may_answer_and_nothing_else),
	    cmocka_unit_test(widget_preflight_from_the_shop),
	    cmocka_unit_test(filters_and_multilingual_search),
	    cmocka_unit_test(erasing_a_customer_erases_their_answers),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
