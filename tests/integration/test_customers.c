/* test_customers.c - /v1/customers against the real server and database: upsert with
 * exact bodies, validation with pointers, list filters and cursors, GDPR erase and export,
 * and a second tenant that must not reach the first tenant's customer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static struct fixture fx; /* tenant A */
static char tenant_b[37], key_b[64];

static int setup(void **state)
{
	fixture_setup(state, &fx, NULL, "Customers A");
	create_tenant(fx.srv.port, "Customers B", tenant_b, key_b);
	return 0;
}

static json_t *without_times(json_t *c)
{
	json_object_del(c, "created_at");
	json_object_del(c, "updated_at");
	return c;
}

static void assert_json(json_t *got, const char *want_text)
{
	assert_true(json_matches(got, want_text));
}

static void put_creates_then_replaces(void **state)
{
	struct response r;
	(void)state;
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "PUT", "/v1/customers/cust%2F42",
	            "{\"email\":\"Ana@Example.com\",\"name\":\"Ana Horvat\","
	            "\"phone\":\"+385 91 123 4567\",\"signup_at\":\"2025-06-01T09:30:00+02:00\","
	            "\"birthday\":\"1988-02-29\",\"attributes\":{\"city\":\"Split\"},"
	            "\"tags\":[\"vip\",\"newsletter\"]}",
	            NULL, &r),
	    0);
	assert_int_equal(r.status, 201);
	json_t *c = response_json(&r);
	assert_true(json_is_string(json_object_get(c, "created_at")));
	assert_json(
	    without_times(c),
	    "{\"external_id\":\"cust/42\",\"email\":\"Ana@Example.com\",\"name\":\"Ana Horvat\","
	    "\"phone\":\"+385 91 123 4567\",\"signup_at\":\"2025-06-01T07:30:00.000000Z\","
	    "\"birthday\":\"1988-02-29\",\"attributes\":{\"city\":\"Split\"},"
	    "\"tags\":[\"vip\",\"newsletter\"]}");
	json_decref(c);
	response_free(&r);

	/* PUT replaces: what is not sent becomes null */
	assert_int_equal(call_as(fx.srv.port, fx.key, "PUT", "/v1/customers/cust%2F42",
	                         "{\"name\":\"Ana H.\"}", NULL, &r),
	                 0);
	assert_int_equal(r.status, 200);
	c = response_json(&r);
	assert_json(
	    without_times(c),
	    "{\"external_id\":\"cust/42\",\"email\":null,\"name\":\"Ana H.\",\"phone\":null,"
	    "\"signup_at\":null,\"birthday\":null,\"attributes\":{},\"tags\":[]}");
	json_decref(c);
	response_free(&r);
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "GET", "/v1/customers/cust%2F42", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_true(
	    response_json_equal(&r,
	                        "{\"external_id\":\"cust/42\",\"email\":null,\"name\":\"Ana "
	                        "H.\",\"phone\":null,\"signup_at\":null,\"birthday\":null,"
	                        "\"attributes\":{},\"tags\":[]}",
	                        (const char *const[]){"created_at", "updated_at", NULL}));
	response_free(&r);
}

static void invalid(const char *body, const char *pointer, const char *message)
{
	struct response r;
	long before = db_long("SELECT count(*) FROM customers WHERE tenant_id = $1", fx.tenant);
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "PUT", "/v1/customers/invalid-one", body, NULL, &r), 0);
	if (!response_single_error(&r, 422, pointer, message))
		fail_msg("%s\n got %d %s\nwant %s: %s", body, r.status, r.body, pointer, message);
	response_free(&r);
	assert_int_equal(db_long("SELECT count(*) FROM customers WHERE tenant_id = $1", fx.tenant),
	                 before);
}

static void every_customer_rule_answers_422(void **state)
{
	(void)state;
	invalid("{\"email\":\"not-an-address\"}", "/email", "must be an e-mail address");
	invalid("{\"email\":\"a b@example.com\"}", "/email", "must be an e-mail address");
	invalid("{\"name\":\"\"}", "/name", "must be 1 to 200 characters long");
	invalid("{\"phone\":\"call me\"}", "/phone", "may hold only digits, spaces and + - ( ) .");
	invalid("{\"signup_at\":\"2025-06-01\"}", "/signup_at",
	        "must be an RFC 3339 time from 1970 to 2100");
	invalid("{\"birthday\":\"1988-02-30\"}", "/birthday",
	        "must be a date YYYY-MM-DD from 1900 to 2999");
	invalid("{\"attributes\":[1,2]}", "/attributes", "must be a JSON object");
	invalid("{\"tags\":\"vip\"}", "/tags", "must be an array of at most 64 tags");
	invalid("{\"tags\":[\"vip\",\"vip\"]}", "/tags/1", "is listed twice");
	invalid("{\"tags\":[\"\"]}", "/tags/0", "must be a string of 1 to 64 characters");
	invalid("{\"nickname\":\"x\"}", "/nickname", "unknown field");
	char tags[1024] = "{\"tags\":[";
	for (int i = 0; i < 65; i++)
		snprintf(tags + strlen(tags), sizeof(tags) - strlen(tags), "%s\"t%d\"",
		         i ? "," : "", i);
	strcat(tags, "]}");
	invalid(tags, "/tags", "must be an array of at most 64 tags");
}

static void list_filters_and_cursor(void **state)
{
	struct response r;
	(void)state;
	const char *bodies[] = {"{\"email\":\"z1@shop.example\",\"tags\":[\"gold\"]}",
	                        "{\"email\":\"Z2@Shop.Example\",\"tags\":[\"gold\",\"b2b\"]}",
	                        "{\"email\":\"z3@shop.example\"}"};
	for (int i = 0; i < 3; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/v1/customers/list-%d", i);
		assert_int_equal(call_as(fx.srv.port, fx.key, "PUT", path, bodies[i], NULL, &r), 0);
		assert_int_equal(r.status, 201);
		response_free(&r);
	}
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "GET", "/v1/customers?tag=gold", NULL, NULL, &r), 0);
	json_t *page = response_json(&r);
	assert_int_equal(json_array_size(json_object_get(page, "data")), 2);
	json_decref(page);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET",
	                         "/v1/customers?email=z2%40shop.example", NULL, NULL, &r),
	                 0);
	page = response_json(&r);
	assert_int_equal(json_array_size(json_object_get(page, "data")), 1);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(page, "data"), 0), "external_id")),
	                    "list-1");
	json_decref(page);
	response_free(&r);
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "GET", "/v1/customers?tag=gold&limit=1", NULL, NULL, &r),
	    0);
	page = response_json(&r);
	char path[200];
	snprintf(path, sizeof(path), "/v1/customers?tag=gold&limit=1&cursor=%s",
	         json_string_value(json_object_get(page, "next_cursor")));
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(page, "data"), 0), "external_id")),
	                    "list-0");
	json_decref(page);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET", path, NULL, NULL, &r), 0);
	page = response_json(&r);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(page, "data"), 0), "external_id")),
	                    "list-1");
	assert_true(json_is_null(json_object_get(page, "next_cursor")));
	json_decref(page);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET",
	                         "/v1/customers?created_after=2100-01-01", NULL, NULL, &r),
	                 0);
	assert_string_equal(r.body, "{\"data\":[],\"next_cursor\":null}");
	response_free(&r);
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "GET", "/v1/customers?created_after=soon", NULL, NULL, &r),
	    0);
	assert_int_equal(r.status, 400);
	response_free(&r);
}

#define OTHER_LIST "was returned by another list; it only goes on with the list that returned it"
#define OTHER_FILTERS                                                                              \
	"was returned for other filters; send it with the same request as the page that "          \
	"returned it (limit may change)"

/* The next_cursor of GET path (200 expected) with key, copied into out. */
static void next_cursor_of(const char *key, const char *path, char out[160])
{
	json_t *page = api_json(fx.srv.port, key, "GET", path, NULL, 200);
	json_t *next = json_object_get(page, "next_cursor");
	if (!json_is_string(next))
		fail_msg("%s: no next_cursor", path);
	snprintf(out, 160, "%s", json_string_value(next));
	json_decref(page);
}

/* GET path?…&cursor=cursor must be the 400 naming cursor with message. */
static void expect_cursor_refused(const char *key, const char *path, const char *cursor,
                                  const char *message)
{
	struct response r;
	char full[512], detail[256];
	snprintf(full, sizeof(full), "%s%scursor=%s", path, strchr(path, '?') ? "&" : "?", cursor);
	snprintf(detail, sizeof(detail), "cursor: %s", message);
	assert_int_equal(call_as(fx.srv.port, key, "GET", full, NULL, NULL, &r), 0);
	if (!response_bad_parameters(&r, detail, (const char *const[]){"cursor", NULL}, message))
		fail_msg("GET %s", full);
	response_free(&r);
}

/* A cursor carries its list and a digest of its filters: another list's cursor (the keys',
 * another customer's events), or one sent with other filters, is refused instead of
 * resuming a listing it never belonged to. The page size may change. */
static void cursors_are_bound_to_their_list_and_filters(void **state)
{
	char t[37], key[64], k2[64], k2_id[37], keys_cursor[160], cursor[160], path[256];
	(void)state;
	create_tenant(fx.srv.port, "Cursors", t, key);
	create_key(fx.srv.port, key, "[\"read\"]", k2, k2_id);
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/v1/customers/c-%d", i);
		json_decref(api_json(fx.srv.port, key, "PUT", path,
		                     i < 2 ? "{\"tags\":[\"vip\"]}" : "{\"tags\":[\"new\"]}", 201));
	}
	json_decref(api_json(fx.srv.port, key, "POST", "/v1/events",
	                     "{\"events\":[{\"customer_id\":\"c-0\",\"type\":\"visit\","
	                     "\"occurred_at\":\"2026-01-01T00:00:00Z\"},{\"customer_id\":\"c-0\","
	                     "\"type\":\"visit\",\"occurred_at\":\"2026-01-02T00:00:00Z\"},"
	                     "{\"customer_id\":\"c-1\",\"type\":\"visit\",\"occurred_at\":"
	                     "\"2026-01-01T00:00:00Z\"},{\"customer_id\":\"c-1\",\"type\":"
	                     "\"visit\",\"occurred_at\":\"2026-01-02T00:00:00Z\"}]}",
	                     200));

	/* the keys list's cursor on the customers list, and the other way round */
	next_cursor_of(key, "/v1/keys?limit=1", keys_cursor);
	expect_cursor_refused(key, "/v1/customers", keys_cursor, OTHER_LIST);
	next_cursor_of(key, "/v1/customers?limit=1", cursor);
	expect_cursor_refused(key, "/v1/keys", cursor, OTHER_LIST);
	expect_cursor_refused(key, "/v1/surveys", cursor, OTHER_LIST);
	/* the same list with other filters: another tag, no tag, a tag where there was none */
	next_cursor_of(key, "/v1/customers?tag=vip&limit=1", cursor);
	expect_cursor_refused(key, "/v1/customers?tag=new&limit=1", cursor, OTHER_FILTERS);
	expect_cursor_refused(key, "/v1/customers?limit=1", cursor, OTHER_FILTERS);
	expect_cursor_refused(key, "/v1/customers?tag=vip&created_after=2020-01-01", cursor,
	                      OTHER_FILTERS);
	/* the same filters, another page size: the next customer with the tag */
	snprintf(path, sizeof(path), "/v1/customers?tag=vip&limit=5&cursor=%s", cursor);
	json_t *page = api_json(fx.srv.port, key, "GET", path, NULL, 200);
	json_t *data = json_object_get(page, "data");
	assert_int_equal(json_array_size(data), 1);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(data, 0), "external_id")), "c-1");
	assert_true(json_is_null(json_object_get(page, "next_cursor")));
	json_decref(page);
	/* one customer's events' cursor on another customer's events */
	next_cursor_of(key, "/v1/customers/c-0/events?limit=1", cursor);
	expect_cursor_refused(key, "/v1/customers/c-1/events?limit=1", cursor, OTHER_LIST);
	expect_cursor_refused(key, "/v1/customers/c-0/events?limit=1&type=visit", cursor,
	                      OTHER_FILTERS);
	snprintf(path, sizeof(path), "/v1/customers/c-0/events?limit=1&cursor=%s", cursor);
	page = api_json(fx.srv.port, key, "GET", path, NULL, 200);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(page, "data"), 0), "occurred_at")),
	                    "2026-01-02T00:00:00.000000Z");
	json_decref(page);
	/* and the keys' cursor still works where it belongs */
	snprintf(path, sizeof(path), "/v1/keys?limit=1&cursor=%s", keys_cursor);
	page = api_json(fx.srv.port, key, "GET", path, NULL, 200);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(page, "data"), 0), "id")),
	                    k2_id);
	json_decref(page);
}

static void another_tenant_cannot_reach_the_customer(void **state)
{
	struct response r;
	(void)state;
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/events",
	                         "{\"customer_id\":\"private\",\"type\":\"visit\",\"occurred_at\":"
	                         "\"2026-01-01T00:00:00Z\"}",
	                         NULL, &r),
	                 0);
	assert_int_equal(r.status, 200);
	response_free(&r);
	const char *paths[] = {"/v1/customers/private", "/v1/customers/private/export",
	                       "/v1/customers/private/events", NULL};
	for (int i = 0; paths[i]; i++) {
		assert_int_equal(call_as(fx.srv.port, key_b, "GET", paths[i], NULL, NULL, &r), 0);
		if (r.status != 404)
			fail_msg("tenant B read %s: %d", paths[i], r.status);
		response_free(&r);
	}
	assert_int_equal(
	    call_as(fx.srv.port, key_b, "DELETE", "/v1/customers/private", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
	assert_int_equal(
	    call_as(fx.srv.port, key_b, "GET", "/v1/customers?limit=1000", NULL, NULL, &r), 0);
	assert_null(strstr(r.body, "private"));
	response_free(&r);
	/* B writing the same external id makes B's own customer, A's stays untouched */
	assert_int_equal(call_as(fx.srv.port, key_b, "PUT", "/v1/customers/private",
	                         "{\"name\":\"B's\"}", NULL, &r),
	                 0);
	assert_int_equal(r.status, 201);
	response_free(&r);
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "GET", "/v1/customers/private", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	json_t *a_view = response_json(&r);
	assert_true(json_is_null(json_object_get(a_view, "name")));
	json_decref(a_view);
	response_free(&r);

	assert_int_equal(db_long("SELECT count(*) FROM events e JOIN customers c ON c.tenant_id = "
	                         "e.tenant_id AND c.id = e.customer_id WHERE c.external_id = "
	                         "'private' AND e.tenant_id = $1",
	                         fx.tenant),
	                 1);
}

static void erase_then_export_shows_nothing(void **state)
{
	struct response r;
	(void)state;
	assert_int_equal(call_as(fx.srv.port, fx.key, "PUT", "/v1/customers/leaving",
	                         "{\"email\":\"gone@example.com\"}", NULL, &r),
	                 0);
	response_free(&r);
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "POST", "/v1/events",
	            "{\"events\":[{\"id\":\"l-1\",\"customer_id\":\"leaving\",\"type\":\"order\","
	            "\"occurred_at\":\"2026-02-01T10:00:00Z\",\"amount\":\"12.50\",\"currency\":"
	            "\"EUR\",\"order_id\":\"77\"},{\"customer_id\":\"leaving\",\"type\":"
	            "\"review\",\"occurred_at\":\"2026-02-03T10:00:00Z\",\"properties\":"
	            "{\"stars\":4}}]}",
	            NULL, &r),
	    0);
	response_free(&r);
	/* an answer and points belong to the export too */
	char answers[128];
	create_nps_survey(fx.srv.port, fx.key, answers);
	json_decref(api_json(fx.srv.port, fx.key, "POST", answers,
	                     "{\"customer_id\":\"leaving\",\"score\":6,\"comment\":\"slow\"}",
	                     201));
	json_decref(api_json(fx.srv.port, fx.key, "POST", "/v1/customers/leaving/points/earn",
	                     "{\"points\":5,\"reason\":\"welcome\"}", 201));
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "GET", "/v1/customers/leaving/export", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	json_t *doc = response_json(&r);
	json_t *answer = json_array_get(json_object_get(doc, "survey_responses"), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "survey_responses")), 1);
	assert_int_equal(json_int(answer, "score"), 6);
	assert_string_equal(json_string_value(json_object_get(answer, "comment")), "slow");
	json_t *entry = json_array_get(json_object_get(doc, "points_ledger"), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "points_ledger")), 1);
	assert_int_equal(json_int(entry, "points"), 5);
	assert_string_equal(json_string_value(json_object_get(entry, "reason")), "welcome");

	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(doc, "customer"), "email")),
	    "gone@example.com");
	json_t *events = json_object_get(doc, "events");
	assert_int_equal(json_array_size(events), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(events, 0), "amount")),
	                    "12.50");
	assert_string_equal(json_string_value(json_object_get(json_array_get(events, 1), "type")),
	                    "review");
	json_decref(doc);
	response_free(&r);

	/* erasing needs the admin scope */
	char ingest_key[64], ingest_id[37];
	create_key(fx.srv.port, fx.key, "[\"ingest\",\"read\"]", ingest_key, ingest_id);
	assert_int_equal(
	    call_as(fx.srv.port, ingest_key, "DELETE", "/v1/customers/leaving", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	response_free(&r);

	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "DELETE", "/v1/customers/leaving", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 204);
	response_free(&r);
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "GET", "/v1/customers/leaving/export", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "GET", "/v1/customers/leaving", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "DELETE", "/v1/customers/leaving", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
	assert_int_equal(
	    db_long("SELECT count(*) FROM events WHERE tenant_id = $1 AND client_id = 'l-1'",
	            fx.tenant),
	    0);
	assert_int_equal(db_long("SELECT count(*) FROM survey_responses WHERE tenant_id = $1 AND "
	                         "comment = 'slow'",
	                         fx.tenant),
	                 0);
	assert_int_equal(
	    db_long("SELECT (SELECT count(*) FROM points_ledger WHERE tenant_id = $1) "
	            "+ (SELECT count(*) FROM points_accounts WHERE tenant_id = $1) "
	            "+ (SELECT count(*) FROM customer_rollups WHERE tenant_id = $1 AND "
	            "order_amount = 12.50)",
	            fx.tenant),
	    0);

	assert_int_equal(db_long("SELECT count(*) FROM customers WHERE tenant_id = $1 AND "
	                         "email = 'gone@example.com'",
	                         fx.tenant),
	                 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(put_creates_then_replaces),
	    cmocka_unit_test(every_customer_rule_answers_422),
	    cmocka_unit_test(list_filters_and_cursor),
	    cmocka_unit_test(cursors_are_bound_to_their_list_and_filters),
	    cmocka_unit_test(another_tenant_cannot_reach_the_customer),
	    cmocka_unit_test(erase_then_export_shows_nothing),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
