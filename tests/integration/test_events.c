/* test_events.c - POST /v1/events and GET /v1/customers/{id}/events against the real
 * server and database: exact answers, every validation rule (422 with its pointer and
 * nothing stored), duplicates within and across batches, the 10,000 limit, Unicode and '/'
 * in ids, pagination and filters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "harness.h"

static struct fixture fx;

static int setup(void **state)
{
	fixture_setup(state, &fx, NULL, "Events shop");
	return 0;
}

static long stored_events(void)
{
	return db_long("SELECT count(*) FROM events WHERE tenant_id = $1", fx.tenant);
}

static int post(const char *body, struct response *r)
{
	return call_as(fx.srv.port, fx.key, "POST", "/v1/events", body, NULL, r);
}

static int get(const char *path, struct response *r)
{
	return call_as(fx.srv.port, fx.key, "GET", path, NULL, NULL, r);
}

static void assert_body(const struct response *r, int status, const char *want)
{
	if (r->status != status || strcmp(r->body, want) != 0)
		fail_msg("got %d %s\nwant %d %s", r->status, r->body, status, want);
}

static void single_event_is_stored_and_listed(void **state)
{
	struct response r;
	(void)state;
	assert_int_equal(
	    post("{\"id\":\"ord-1\",\"customer_id\":\"alice\",\"type\":\"order\","
	         "\"occurred_at\":\"2026-03-29T03:30:00+02:00\",\"amount\":\"49.90\","
	         "\"currency\":\"EUR\",\"order_id\":\"1001\",\"properties\":{\"items\":2}}",
	         &r),
	    0);
	assert_body(&r, 200, "{\"accepted\":1,\"duplicates\":0}");
	response_free(&r);
	assert_int_equal(get("/v1/customers/alice/events", &r), 0);
	assert_int_equal(r.status, 200);
	json_t *page = response_json(&r);
	json_t *e = json_array_get(json_object_get(page, "data"), 0);
	assert_int_equal(json_array_size(json_object_get(page, "data")), 1);
	assert_true(json_is_null(json_object_get(page, "next_cursor")));
	assert_string_equal(json_string_value(json_object_get(e, "id")), "ord-1");
	assert_string_equal(json_string_value(json_object_get(e, "customer_id")), "alice");
	assert_string_equal(json_string_value(json_object_get(e, "type")), "order");
	/* stored in UTC: 03:30 at +02:00 is 01:30Z */
	assert_string_equal(json_string_value(json_object_get(e, "occurred_at")),
	                    "2026-03-29T01:30:00.000000Z");
	assert_string_equal(json_string_value(json_object_get(e, "amount")), "49.90");
	assert_string_equal(json_string_value(json_object_get(e, "currency")), "EUR");
	assert_string_equal(json_string_value(json_object_get(e, "order_id")), "1001");
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(e, "properties"), "items")), 2);
	json_decref(page);
	response_free(&r);
	/* the customer was created on first sight */
	assert_int_equal(get("/v1/customers/alice", &r), 0);
	assert_int_equal(r.status, 200);
	response_free(&r);
}

static void duplicates_within_and_across_batches(void **state)
{
	struct response r;
	(void)state;
	long before = stored_events();
	assert_int_equal(post("{\"events\":["
	                      "{\"id\":\"d-1\",\"customer_id\":\"bob\",\"type\":\"visit\","
	                      "\"occurred_at\":\"2026-01-01T10:00:00Z\"},"
	                      "{\"id\":\"d-2\",\"customer_id\":\"bob\",\"type\":\"visit\","
	                      "\"occurred_at\":\"2026-01-02T10:00:00Z\"},"
	                      "{\"id\":\"d-1\",\"customer_id\":\"bob\",\"type\":\"review\","
	                      "\"occurred_at\":\"2026-01-03T10:00:00Z\"},"
	                      "{\"customer_id\":\"bob\",\"type\":\"visit\",\"occurred_at\":\"2026-"
	                      "01-04T10:00:00Z\"},"
	                      "{\"customer_id\":\"bob\",\"type\":\"visit\",\"occurred_at\":\"2026-"
	                      "01-04T10:00:00Z\"}]}",
	                      &r),
	                 0);
	/* events without an id are never duplicates; d-1 is kept once, the first one */
	assert_body(&r, 200, "{\"accepted\":4,\"duplicates\":1}");
	response_free(&r);
	assert_int_equal(stored_events(), before + 4);
	assert_int_equal(post("{\"events\":["
	                      "{\"id\":\"d-2\",\"customer_id\":\"bob\",\"type\":\"visit\","
	                      "\"occurred_at\":\"2026-01-02T10:00:00Z\"},"
	                      "{\"id\":\"d-3\",\"customer_id\":\"bob\",\"type\":\"visit\","
	                      "\"occurred_at\":\"2026-01-05T10:00:00Z\"}]}",
	                      &r),
	                 0);
	assert_body(&r, 200, "{\"accepted\":1,\"duplicates\":1}");
	response_free(&r);
	assert_int_equal(stored_events(), before + 5);
	assert_int_equal(db_long("SELECT count(*) FROM events WHERE tenant_id = $1 AND client_id = "
	                         "'d-1' AND type = 'visit'",
	                         fx.tenant),
	                 1);
}

/* One invalid field in an otherwise valid batch of three: 422 naming it, nothing stored. */
static void rule(const char *bad_event, const char *pointer, const char *message)
{
	struct response r;
	char body[2048];
	long before = stored_events();
	snprintf(body, sizeof(body),
	         "{\"events\":[{\"customer_id\":\"rules\",\"type\":\"visit\",\"occurred_at\":"
	         "\"2026-01-01T00:00:00Z\"},{\"customer_id\":\"rules\",\"type\":\"visit\","
	         "\"occurred_at\":\"2026-01-01T00:00:01Z\"},%s]}",
	         bad_event);
	assert_int_equal(post(body, &r), 0);
	if (!response_single_error(&r, 422, pointer, message))
		fail_msg("%s\n got %d %s\nwant %s: %s", bad_event, r.status, r.body, pointer,
		         message);
	response_free(&r);
	assert_int_equal(stored_events(), before);
}

#define OK_BASE "\"customer_id\":\"rules\",\"occurred_at\":\"2026-01-01T00:00:00Z\""

static void every_validation_rule_answers_422_and_stores_nothing(void **state)
{
	(void)state;
	rule("{\"type\":\"visit\",\"occurred_at\":\"2026-01-01T00:00:00Z\"}",
	     "/events/2/customer_id", "is required");
	rule("{\"customer_id\":\"\",\"type\":\"visit\",\"occurred_at\":\"2026-01-01T00:00:00Z\"}",
	     "/events/2/customer_id", "must be 1 to 128 characters long");
	rule("{\"customer_id\":12,\"type\":\"visit\",\"occurred_at\":\"2026-01-01T00:00:00Z\"}",
	     "/events/2/customer_id", "must be a string");
	rule("{" OK_BASE "}", "/events/2/type", "is required");
	rule("{" OK_BASE ",\"type\":\"Visit\"}", "/events/2/type",
	     "must be order, refund, visit, review, referral, signup, support_ticket, "
	     "membership_purchased or a custom type [a-z][a-z0-9_]{0,63}");
	rule("{\"customer_id\":\"rules\",\"type\":\"visit\"}", "/events/2/occurred_at",
	     "is required");
	rule("{\"customer_id\":\"rules\",\"type\":\"visit\",\"occurred_at\":\"yesterday\"}",
	     "/events/2/occurred_at", "must be an RFC 3339 time such as 2026-03-01T12:00:00Z");
	rule("{\"customer_id\":\"rules\",\"type\":\"visit\",\"occurred_at\":\"2101-01-01T00:00:"
	     "00Z\"}",
	     "/events/2/occurred_at", "must be from 1970 to 2100");
	rule("{" OK_BASE ",\"type\":\"order\",\"currency\":\"EUR\"}", "/events/2/amount",
	     "is required for order and refund events");
	rule("{" OK_BASE ",\"type\":\"order\",\"amount\":\"-0.01\",\"currency\":\"EUR\"}",
	     "/events/2/amount", "must be 0 or more");
	rule("{" OK_BASE ",\"type\":\"order\",\"amount\":\"1.00001\",\"currency\":\"EUR\"}",
	     "/events/2/amount",
	     "must be a decimal with at most 13 digits before and 4 after the point");
	rule("{" OK_BASE ",\"type\":\"order\",\"amount\":[1],\"currency\":\"EUR\"}",
	     "/events/2/amount", "must be a decimal string such as \"19.99\" or a number");
	rule("{" OK_BASE ",\"type\":\"order\",\"amount\":\"1\"}", "/events/2/currency",
	     "is required with an amount");
	rule("{" OK_BASE ",\"type\":\"order\",\"amount\":\"1\",\"currency\":\"eur\"}",
	     "/events/2/currency", "must be an ISO 4217 code such as EUR");
	rule("{" OK_BASE ",\"type\":\"refund\",\"amount\":\"1\",\"currency\":\"EUR\"}",
	     "/events/2/order_id", "is required for a refund: the order it refunds");
	rule("{" OK_BASE ",\"type\":\"visit\",\"order_id\":\"\"}", "/events/2/order_id",
	     "must be 1 to 128 characters long");
	rule("{" OK_BASE ",\"type\":\"visit\",\"id\":\"\"}", "/events/2/id",
	     "must be 1 to 128 characters long");
	rule("{" OK_BASE ",\"type\":\"visit\",\"properties\":\"x\"}", "/events/2/properties",
	     "must be a JSON object");
	rule("{" OK_BASE ",\"type\":\"visit\",\"weather\":\"rain\"}", "/events/2/weather",
	     "unknown field");
	rule("\"not an object\"", "/events/2", "must be a JSON object");
}

static void batch_of_10000_is_accepted_and_10001_refused(void **state)
{
	struct response r;
	(void)state;
	size_t cap = 10001 * 120 + 64;
	char *body = malloc(cap);
	size_t n = (size_t)snprintf(body, cap, "{\"events\":[");
	for (int i = 0; i < 10001; i++)
		n += (size_t)snprintf(
		    body + n, cap - n,
		    "%s{\"id\":\"big-%d\",\"customer_id\":\"big-%d\",\"type\":\"visit\","
		    "\"occurred_at\":\"2026-02-01T00:00:00Z\"}",
		    i ? "," : "", i, i % 500);
	memcpy(body + n, "]}", 3);
	long before = stored_events();
	assert_int_equal(post(body, &r), 0);
	assert_int_equal(r.status, 422);
	json_t *j = response_json(&r);
	json_t *e = json_array_get(json_object_get(j, "errors"), 0);
	assert_string_equal(json_string_value(json_object_get(e, "pointer")), "/events");
	assert_string_equal(json_string_value(json_object_get(e, "message")),
	                    "must be an array of 1 to 10000 events (send larger sets in batches)");
	json_decref(j);
	response_free(&r);
	assert_int_equal(stored_events(), before);

	/* drop the last event: exactly 10,000 */
	char *last = strrchr(body, '{');
	memcpy(last - 1, "]}", 3);
	assert_int_equal(post(body, &r), 0);
	assert_body(&r, 200, "{\"accepted\":10000,\"duplicates\":0}");
	response_free(&r);
	assert_int_equal(stored_events(), before + 10000);
	assert_int_equal(db_long("SELECT count(*) FROM customers WHERE tenant_id = $1 AND "
	                         "external_id LIKE 'big-%'",
	                         fx.tenant),
	                 500);
	/* the same batch again: all duplicates, nothing stored */
	assert_int_equal(post(body, &r), 0);
	assert_body(&r, 200, "{\"accepted\":0,\"duplicates\":10000}");
	response_free(&r);
	assert_int_equal(stored_events(), before + 10000);
	free(body);
}

static void unicode_and_slash_in_customer_ids(void **state)
{
	struct response r;
	(void)state;
	assert_int_equal(post("{\"customer_id\":\"Олена/№ 1\",\"type\":\"visit\","
	                      "\"occurred_at\":\"2026-01-01T00:00:00Z\"}",
	                      &r),
	                 0);
	assert_int_equal(r.status, 200);
	response_free(&r);
	/* Олена/№ 1 percent-encoded, '/' as %2F and the space as %20 */
	assert_int_equal(
	    get("/v1/customers/%D0%9E%D0%BB%D0%B5%D0%BD%D0%B0%2F%E2%84%96%201/events", &r), 0);
	assert_int_equal(r.status, 200);
	json_t *page = response_json(&r);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(page, "data"), 0), "customer_id")),
	                    "Олена/№ 1");
	json_decref(page);
	response_free(&r);
	/* the raw '/' is another path */
	assert_int_equal(get("/v1/customers/Олена/№ 1/events", &r), 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
	/* an id that is not UTF-8 cannot exist */
	assert_int_equal(get("/v1/customers/%FF%FE/events", &r), 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
}

static void events_page_in_time_order_with_filters(void **state)
{
	struct response r;
	(void)state;
	assert_int_equal(post("{\"events\":["
	                      "{\"customer_id\":\"pager\",\"type\":\"visit\",\"occurred_at\":"
	                      "\"2026-05-03T00:00:00Z\"},"
	                      "{\"customer_id\":\"pager\",\"type\":\"order\",\"occurred_at\":"
	                      "\"2026-05-01T00:00:00Z\",\"amount\":\"10\",\"currency\":\"EUR\"},"
	                      "{\"customer_id\":\"pager\",\"type\":\"visit\",\"occurred_at\":"
	                      "\"2026-05-02T00:00:00Z\"},"
	                      "{\"customer_id\":\"pager\",\"type\":\"order\",\"occurred_at\":"
	                      "\"2026-05-04T00:00:00Z\",\"amount\":\"20\",\"currency\":\"EUR\"},"
	                      "{\"customer_id\":\"pager\",\"type\":\"visit\",\"occurred_at\":"
	                      "\"2026-05-02T00:00:00Z\"}]}",
	                      &r),
	                 0);
	assert_body(&r, 200, "{\"accepted\":5,\"duplicates\":0}");
	response_free(&r);
	/* two a page: 05-01, 05-02 | 05-02, 05-03 | 05-04 */
	const char *want[] = {"2026-05-01", "2026-05-02", "2026-05-02", "2026-05-03", "2026-05-04"};
	char path[256] = "/v1/customers/pager/events?limit=2";
	int seen = 0;
	for (int page_no = 0; page_no < 3; page_no++) {
		assert_int_equal(get(path, &r), 0);
		assert_int_equal(r.status, 200);
		json_t *page = response_json(&r);
		size_t i;
		json_t *e;
		json_array_foreach (json_object_get(page, "data"), i, e) {
			assert_memory_equal(json_string_value(json_object_get(e, "occurred_at")),
			                    want[seen], 10);
			seen++;
		}
		json_t *next = json_object_get(page, "next_cursor");
		if (page_no < 2)
			snprintf(path, sizeof(path), "/v1/customers/pager/events?limit=2&cursor=%s",
			         json_string_value(next));
		else
			assert_true(json_is_null(next));
		json_decref(page);
		response_free(&r);
	}
	assert_int_equal(seen, 5);
	/* type and the half-open [from, to) */
	assert_int_equal(
	    get("/v1/customers/pager/events?type=order&from=2026-05-01&to=2026-05-04", &r), 0);
	json_t *page = response_json(&r);
	assert_int_equal(json_array_size(json_object_get(page, "data")), 1);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(page, "data"), 0), "amount")),
	                    "10");
	json_decref(page);
	response_free(&r);
	assert_int_equal(get("/v1/customers/pager/events?from=2026-05-02T02:00:00%2B02:00", &r), 0);
	page = response_json(&r);
	assert_int_equal(json_array_size(json_object_get(page, "data")), 4);
	json_decref(page);
	response_free(&r);
	assert_int_equal(get("/v1/customers/pager/events?from=May", &r), 0);
	assert_int_equal(r.status, 400);
	assert_true(response_json_equal(
	    &r,
	    "{\"type\":\"urn:loyaltyd:problem:invalid-parameter\",\"title\":\"Bad "
	    "Request\",\"status\":400,\"detail\":\"from: must be an RFC 3339 time or a date "
	    "YYYY-MM-DD from 1970 to 2100\",\"errors\":[{\"parameter\":\"from\",\"message\":\"must "
	    "be an RFC 3339 time or a date YYYY-MM-DD from 1970 to 2100\"}]}",
	    NULL));
	response_free(&r);
	assert_int_equal(get("/v1/customers/pager/events?type=Bad-Type", &r), 0);
	assert_int_equal(r.status, 400);
	response_free(&r);
	assert_int_equal(get("/v1/customers/pager/events?cursor=bm9wZQ", &r), 0);
	assert_int_equal(r.status, 400);
	response_free(&r);
	assert_int_equal(get("/v1/customers/nobody/events", &r), 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
}

static int post_keyed(const char *k, const char *idem, const char *body, struct response *r)
{
	char ik[300];
	snprintf(ik, sizeof(ik), "Idempotency-Key: %s", idem);
	const char *h[] = {ik, NULL};
	return call_as(fx.srv.port, k, "POST", "/v1/events", body, h, r);
}

static void idempotency_key_replays_the_first_answer(void **state)
{
	struct response r;
	(void)state;
	/* events without a client id: only the key keeps a retry from storing them twice */
	const char *body = "{\"customer_id\":\"idem\",\"type\":\"visit\",\"occurred_at\":"
	                   "\"2026-08-01T00:00:00Z\"}";
	long before = stored_events();
	assert_int_equal(post_keyed(fx.key, "retry-1", body, &r), 0);
	assert_body(&r, 200, "{\"accepted\":1,\"duplicates\":0}");
	assert_null(response_header(&r, "Idempotent-Replayed"));
	response_free(&r);
	assert_int_equal(post_keyed(fx.key, "retry-1", body, &r), 0);
	assert_body(&r, 200, "{\"accepted\":1,\"duplicates\":0}");
	assert_string_equal(response_header(&r, "Idempotent-Replayed"), "true");
	response_free(&r);
	assert_int_equal(stored_events(), before + 1);
	/* the same key for another request */
	assert_int_equal(post_keyed(fx.key, "retry-1",
	                            "{\"customer_id\":\"other\",\"type\":\"visit\",\"occurred_at\":"
	                            "\"2026-08-01T00:00:00Z\"}",
	                            &r),
	                 0);
	assert_int_equal(r.status, 422);
	assert_true(response_json_equal(&r, PROBLEM_KEY_REUSED, NULL));
	response_free(&r);
	/* a 422 is an answer too: replayed as it was */
	assert_int_equal(post_keyed(fx.key, "retry-2", "{\"customer_id\":\"x\"}", &r), 0);
	assert_int_equal(r.status, 422);
	response_free(&r);
	assert_int_equal(post_keyed(fx.key, "retry-2", "{\"customer_id\":\"x\"}", &r), 0);
	assert_int_equal(r.status, 422);
	assert_string_equal(response_header(&r, "Idempotent-Replayed"), "true");
	response_free(&r);
	/* a malformed key */
	assert_int_equal(post_keyed(fx.key, "has space", body, &r), 0);
	assert_int_equal(r.status, 400);
	response_free(&r);
	assert_int_equal(stored_events(), before + 1);
	/* another tenant's identical key is its own */
	char t2[37], k2[64];
	create_tenant(fx.srv.port, "Idempotent other", t2, k2);
	assert_int_equal(post_keyed(k2, "retry-1", body, &r), 0);
	assert_int_equal(r.status, 200);
	assert_null(response_header(&r, "Idempotent-Replayed"));
	response_free(&r);
}

static void idempotency_key_in_use_and_abandoned(void **state)
{
	struct response r;
	(void)state;
	const char *body = "{\"customer_id\":\"idem\",\"type\":\"visit\",\"occurred_at\":"
	                   "\"2026-08-02T00:00:00Z\"}";
	/* a first request still running: its transaction holds the key (the advisory lock of
	 * idem_claim.sql) and has inserted it, uncommitted */
	PGconn *c = PQconnectdb(getenv("LOYALTYD_TEST_DATABASE_URL"));
	const char *p[] = {fx.tenant};
	PQclear(PQexec(c, "BEGIN"));
	PGresult *res;
	res = PQexecParams(c,
	                   "INSERT INTO idempotency_keys (tenant_id, key, request_hash) VALUES "
	                   "($1, 'running', decode(repeat('00', 32), 'hex'))",
	                   1, NULL, p, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	res = PQexecParams(c,
	                   "SELECT pg_advisory_xact_lock(hashtext($1::uuid::text), "
	                   "hashtext('running'))",
	                   1, NULL, p, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	PQclear(res);
	/* answered at once, not after a lock wait, and told when to come back */
	long t0 = now_ms();
	assert_int_equal(post_keyed(fx.key, "running", body, &r), 0);
	assert_true(now_ms() - t0 < 500);
	assert_int_equal(r.status, 409);
	assert_true(response_json_equal(
	    &r,
	    "{\"type\":\"urn:loyaltyd:problem:idempotency-key-in-use\",\"title\":\"Conflict\","
	    "\"status\":409,\"detail\":\"the first request with this Idempotency-Key is still "
	    "running; retry after a second\"}",
	    NULL));
	assert_string_equal(response_header(&r, "Retry-After"), "1");
	response_free(&r);
	/* its process dies: PostgreSQL rolls its transaction back, and the claim goes with it,
	 * so the retry runs at once (no minute of 409s waiting for an abandoned claim) */
	PQclear(PQexec(c, "ROLLBACK"));
	PQfinish(c);
	long before = stored_events();
	assert_int_equal(post_keyed(fx.key, "running", body, &r), 0);
	assert_body(&r, 200, "{\"accepted\":1,\"duplicates\":0}");
	assert_null(response_header(&r, "Idempotent-Replayed"));
	response_free(&r);
	assert_int_equal(post_keyed(fx.key, "running", body, &r), 0);
	assert_body(&r, 200, "{\"accepted\":1,\"duplicates\":0}");
	assert_string_equal(response_header(&r, "Idempotent-Replayed"), "true");
	response_free(&r);
	assert_int_equal(stored_events(), before + 1);
	/* a claim without an answer committed by a loyaltyd of the former design while it
	 * still ran (a rolling upgrade): busy while its process may still finish it, taken
	 * over after a minute */
	assert_int_equal(
	    db_long("WITH k AS (INSERT INTO idempotency_keys (tenant_id, key, request_hash) "
	            "VALUES ($1, 'legacy', decode(repeat('00', 32), 'hex')) RETURNING 1) "
	            "SELECT count(*) FROM k",
	            fx.tenant),
	    1);
	assert_int_equal(post_keyed(fx.key, "legacy", body, &r), 0);
	assert_int_equal(r.status, 409);
	assert_string_equal(response_header(&r, "Retry-After"), "1");
	response_free(&r);
	assert_int_equal(db_long("WITH k AS (UPDATE idempotency_keys SET created_at = now() - "
	                         "interval '2 minutes' WHERE tenant_id = $1 AND key = 'legacy' "
	                         "RETURNING 1) SELECT count(*) FROM k",
	                         fx.tenant),
	                 1);
	assert_int_equal(post_keyed(fx.key, "legacy", body, &r), 0);
	assert_body(&r, 200, "{\"accepted\":1,\"duplicates\":0}");
	response_free(&r);
	assert_int_equal(stored_events(), before + 2);
}

static void membership_without_a_programme_is_refused(void **state)
{
	struct response r;
	(void)state;
	long before = stored_events();
	assert_int_equal(post_keyed(fx.key, "membership-1",
	                            "{\"customer_id\":\"member\",\"type\":\"membership_"
	                            "purchased\",\"occurred_at\":\"2026-01-03T00:00:00Z\","
	                            "\"properties\":{\"tier\":\"gold\",\"until\":\"2099-01-01T00:"
	                            "00:00Z\"}}",
	                            &r),
	                 0);
	if (!response_single_error(&r, 422, "/properties/tier",
	                           "names a tier, but the tenant has no programme yet"))
		fail_msg("%d %s", r.status, r.body);
	response_free(&r);
	assert_int_equal(stored_events(), before);
}

static void ingest_needs_the_ingest_scope(void **state)
{
	struct response r;
	char read_key[64], read_id[37];
	(void)state;
	create_key(fx.srv.port, fx.key, "[\"read\"]", read_key, read_id);
	assert_int_equal(call_as(fx.srv.port, read_key, "POST", "/v1/events",
	                         "{\"customer_id\":\"x\",\"type\":\"visit\",\"occurred_at\":"
	                         "\"2026-01-01T00:00:00Z\"}",
	                         NULL, &r),
	                 0);
	assert_int_equal(r.status, 403);
	response_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(single_event_is_stored_and_listed),
	    cmocka_unit_test(membership_without_a_programme_is_refused),
	    cmocka_unit_test(duplicates_within_and_across_batches),
	    cmocka_unit_test(every_validation_rule_answers_422_and_stores_nothing),
	    cmocka_unit_test(batch_of_10000_is_accepted_and_10001_refused),
	    cmocka_unit_test(unicode_and_slash_in_customer_ids),
	    cmocka_unit_test(events_page_in_time_order_with_filters),
	    cmocka_unit_test(idempotency_key_replays_the_first_answer),
	    cmocka_unit_test(idempotency_key_in_use_and_abandoned),
	    cmocka_unit_test(ingest_needs_the_ingest_scope),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
