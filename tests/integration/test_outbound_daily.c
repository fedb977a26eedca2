/* test_outbound_daily.c - the outbound events found by evaluation rather than written by a
 * change (issue 17), against the real server and database, with endpoints inserted in SQL
 * (nothing delivers them here: the messages stay in the outbox, where they are read):
 * tier.changed on a ledger write (up on an earn and an order, down on a refund, a first
 * sight that changes), tier.changed by time at the daily run, points.expiring once per lot
 * for what is left of it, customer.entered_segment once per entry (a baseline first, leave
 * and come back), a tenant without endpoints (nothing at all), the local-time rule of
 * run_at in a time zone that is not UTC, and the background thread. The evaluation is run
 * by `loyaltyd outbound-daily`. Every expected figure is worked out by hand below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "harness.h"

static struct fixture fx;

#define PROGRAM_TIERS                                                                              \
	"{\"currency\":\"EUR\",\"points_per_unit\":1,\"tiers\":[{\"name\":\"bronze\","             \
	"\"threshold\":0},{\"name\":\"silver\",\"threshold\":1000,\"multiplier\":1.25},"           \
	"{\"name\":\"gold\",\"threshold\":5000,\"multiplier\":1.5}],\"expiry_days\":365}"

/* Runs sql with up to two text parameters (NULL: fewer) on the test database; returns the
 * first column of the first row (malloc'd; "" for no row or NULL). Fails the test on error. */
static char *sql_value(const char *sql, const char *p1, const char *p2)
{
	PGconn *c = PQconnectdb(getenv("LOYALTYD_TEST_DATABASE_URL"));
	const char *params[] = {p1, p2};
	int n = p2 ? 2 : p1 ? 1 : 0;
	db_fan_out_first(c, sql);
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "sql_value: %s\n%s\n", PQerrorMessage(c), sql);
		PQclear(r);
		PQfinish(c);
		fail();
	}
	char *v = strdup(PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	PQfinish(c);
	return v;
}

/* Adds an enabled endpoint to tenant wanting the types of types_sql (an SQL array, or
 * NULL: every type). */
static void add_endpoint(const char *tenant, const char *types_sql)
{
	char sql[512];
	snprintf(sql, sizeof(sql),
	         "WITH e AS (INSERT INTO event_endpoints (tenant_id, url, event_types) VALUES ($1, "
	         "'https://hooks.example.com/loyaltyd', %s) RETURNING 1) SELECT count(*) FROM e",
	         types_sql ? types_sql : "NULL");
	assert_int_equal(db_long(sql, tenant), 1);
}

/* `loyaltyd outbound-daily [tenant]`: its output parsed (NULL when it failed). */
static json_t *run_daily(const char *tenant)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
	         "LOYALTYD_DATABASE_URL='%s' LOYALTYD_LOG=warn '%s' outbound-daily %s "
	         "2>>outbound-daily.log",
	         getenv("LOYALTYD_TEST_DATABASE_URL"), LOYALTYD_BIN, tenant ? tenant : "");
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char out[1024] = "";
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	int status = pclose(p);
	if (status != 0)
		return NULL;
	return json_loads(out, 0, NULL);
}

/* Runs the evaluation of tenant (forced) and checks what it says it did. */
static void run_expect(const char *tenant, const char *expected_fields)
{
	json_t *j = run_daily(tenant);
	assert_non_null(j);
	json_object_del(j, "tenant_id");
	assert_true(json_matches(j, expected_fields));
	json_decref(j);
}

/* The tenant's messages of the types in types_sql, in id order, as
 * [{"type", "customer" (the external id behind customer_key), "data"}]: data as sent, with
 * its times replaced by whether they are right ("at" and "entered_at": the transaction's
 * time, the message's created_at; "expires_at": the lot's) and entry_id by the lot's
 * reason ("lot"). Only messages whose body names their type. */
static json_t *messages(const char *tenant, const char *types_sql)
{
	char sql[2048];
	snprintf(
	    sql, sizeof(sql),
	    "SELECT coalesce(json_agg(json_build_object('type', m.type, 'customer', c.external_id, "
	    "'data', (r.raw - 'at' - 'entered_at' - 'entry_id' - 'expires_at') || "
	    "jsonb_strip_nulls(jsonb_build_object("
	    "'at', CASE WHEN r.raw ? 'at' THEN r.raw->>'at' = rfc3339(m.created_at) END, "
	    "'entered_at', CASE WHEN r.raw ? 'entered_at' THEN r.raw->>'entered_at' = "
	    "rfc3339(m.created_at) END, 'lot', l.reason, "
	    "'expires_at', CASE WHEN r.raw ? 'expires_at' THEN r.raw->>'expires_at' = "
	    "rfc3339(l.expires_at) END))) ORDER BY m.id), '[]')::text "
	    "FROM outbound_messages m "
	    "LEFT JOIN customers c ON c.tenant_id = m.tenant_id AND c.id = m.customer_key "
	    "CROSS JOIN LATERAL (SELECT m.body::jsonb->'data' AS raw) r "
	    "LEFT JOIN points_ledger l ON l.tenant_id = m.tenant_id "
	    "AND l.id = (r.raw->>'entry_id')::bigint "
	    "WHERE m.tenant_id = $1 AND m.body::jsonb->>'type' = m.type AND m.type = ANY (%s)",
	    types_sql);
	char *text = sql_value(sql, tenant, NULL);
	json_t *j = json_loads(text, 0, NULL);
	free(text);
	return j;
}

static void expect_messages(const char *tenant, const char *types_sql, const char *expected)
{
	json_t *got = messages(tenant, types_sql);
	assert_true(json_matches(got, expected));
	json_decref(got);
}

static void put_customer(int port, const char *key, const char *id, const char *body)
{
	char path[128];
	struct response r;
	snprintf(path, sizeof(path), "/v1/customers/%s", id);
	assert_int_equal(call_as(port, key, "PUT", path, body, NULL, &r), 0);
	assert_true(r.status == 200 || r.status == 201);
	response_free(&r);
}

static void earn(const char *key, const char *customer, int points)
{
	char path[128], body[128];
	snprintf(path, sizeof(path), "/v1/customers/%s/points/earn", customer);
	snprintf(body, sizeof(body), "{\"points\":%d,\"reason\":\"test\"}", points);
	json_decref(api_json(fx.srv.port, key, "POST", path, body, 201));
}

/* Inserts ledger rows for customer of tenant: values_sql lists (kind, points, reason,
 * expires_at, created_at) rows, in one statement. */
static void ledger_rows(const char *tenant, const char *customer, const char *values_sql)
{
	char sql[2048];
	snprintf(sql, sizeof(sql),
	         "WITH ins AS (INSERT INTO points_ledger (tenant_id, customer_id, kind, points, "
	         "reason, expires_at, created_at) SELECT $1::uuid, c.id, v.kind, v.points, "
	         "v.reason, v.expires_at, v.created_at FROM customers c, (VALUES %s) AS "
	         "v(kind, points, reason, expires_at, created_at) WHERE c.tenant_id = $1 AND "
	         "c.external_id = $2 RETURNING 1) SELECT count(*) FROM ins",
	         values_sql);
	char *n = sql_value(sql, tenant, customer);
	assert_true(atoi(n) > 0);
	free(n);
}

static int setup(void **state)
{
	const char *env[] = {"LOYALTYD_OUTBOUND_DAILY_CHECK_S=0", "LOYALTYD_EXPIRY_INTERVAL_S=0",
	                     NULL};
	fixture_setup(state, &fx, env, "Tier shop");
	return 0;
}

#define TIER_TYPES "ARRAY['tier.changed']"

/* tier.changed for each ledger entry that moves a customer's tier, told by the fan-out
 * entry by entry whenever it runs (here the dispatcher's claims and the list below): the
 * first sight of a customer is compared with the tier before the entry (so a first earn
 * straight into silver is a change, a first earn that stays in bronze is not), then with
 * the tier last told; messages in the order of the entries. */
static void tier_changes_on_ledger_writes(void **state)
{
	(void)state;
	json_decref(api_json(fx.srv.port, fx.key, "PUT", "/v1/program", PROGRAM_TIERS, 200));
	/* without an endpoint wanting tier.changed the trigger does nothing at all */
	put_customer(fx.srv.port, fx.key, "early", "{}");
	earn(fx.key, "early", 2000);
	assert_int_equal(
	    db_long("SELECT count(*) FROM outbound_tiers WHERE tenant_id = $1", fx.tenant), 0);
	add_endpoint(fx.tenant, TIER_TYPES);
	const char *ids[] = {"climber", "jumper", "orderer", NULL};
	for (int i = 0; ids[i]; i++)
		put_customer(fx.srv.port, fx.key, ids[i], "{}");
	earn(fx.key, "climber", 600); /* first sight: bronze before, bronze after */
	earn(fx.key, "climber", 500); /* 1,100: silver */
	earn(fx.key, "jumper", 1200); /* first sight: bronze before, silver after */
	/* an order of 1,000.00 EUR at bronze (×1): 1,000 points, silver */
	char t[32], body[512];
	snprintf(body, sizeof(body),
	         "{\"events\":[{\"customer_id\":\"orderer\",\"type\":\"order\",\"occurred_at\":"
	         "\"%s\",\"amount\":\"1000.00\",\"currency\":\"EUR\",\"order_id\":\"O-1\"}]}",
	         time_ago(1, t));
	json_decref(api_json(fx.srv.port, fx.key, "POST", "/v1/events", body, 200));
	earn(fx.key, "climber", 4000); /* 5,100: gold */
	/* 600.00 of the 1,000.00 refunded: floor(1,000 × 600 / 1,000) = 600 back, 400 left */
	snprintf(body, sizeof(body),
	         "{\"events\":[{\"customer_id\":\"orderer\",\"type\":\"refund\",\"occurred_at\":"
	         "\"%s\",\"amount\":\"600.00\",\"currency\":\"EUR\",\"order_id\":\"O-1\"}]}",
	         time_ago(0.5, t));
	json_decref(api_json(fx.srv.port, fx.key, "POST", "/v1/events", body, 200));
	earn(fx.key, "early", 1); /* first sight of early: silver before (2,000) and after */
	expect_messages(
	    fx.tenant, TIER_TYPES,
	    "[{\"type\":\"tier.changed\",\"customer\":\"climber\",\"data\":{\"customer_id\":"
	    "\"climber\",\"from\":\"bronze\",\"to\":\"silver\",\"direction\":\"up\","
	    "\"points_in_window\":1100,\"at\":true}},"
	    "{\"type\":\"tier.changed\",\"customer\":\"jumper\",\"data\":{\"customer_id\":"
	    "\"jumper\",\"from\":\"bronze\",\"to\":\"silver\",\"direction\":\"up\","
	    "\"points_in_window\":1200,\"at\":true}},"
	    "{\"type\":\"tier.changed\",\"customer\":\"orderer\",\"data\":{\"customer_id\":"
	    "\"orderer\",\"from\":\"bronze\",\"to\":\"silver\",\"direction\":\"up\","
	    "\"points_in_window\":1000,\"at\":true}},"
	    "{\"type\":\"tier.changed\",\"customer\":\"climber\",\"data\":{\"customer_id\":"
	    "\"climber\",\"from\":\"silver\",\"to\":\"gold\",\"direction\":\"up\","
	    "\"points_in_window\":5100,\"at\":true}},"
	    "{\"type\":\"tier.changed\",\"customer\":\"orderer\",\"data\":{\"customer_id\":"
	    "\"orderer\",\"from\":\"silver\",\"to\":\"bronze\",\"direction\":\"down\","
	    "\"points_in_window\":400,\"at\":true}}]");
	char *told = sql_value("SELECT string_agg(c.external_id || '=' || o.tier, ',' ORDER BY "
	                       "c.external_id) FROM outbound_tiers o JOIN customers c ON c.id = "
	                       "o.customer_id WHERE o.tenant_id = $1",
	                       fx.tenant, NULL);
	assert_string_equal(told, "climber=gold,early=silver,jumper=silver,orderer=bronze");
	free(told);
}

/* Points leave the window: found by the daily run. faller's 1,200 date from 365 days less
 * 3 seconds ago and its 300 from 10 days ago, written in one statement: told entry by entry
 * by the fan-out, the 1,200 make a first sight with a change (bronze to silver at 1,200,
 * the points after that entry), the 300 none (silver at 1,500); then bronze (300) once the
 * 1,200 are out of the window. The
 * first run is the baseline: unseen (no points, never told) is recorded as bronze without
 * a message. A second run on the same day tells nothing more. */
static void tier_down_by_time_at_the_daily_run(void **state)
{
	(void)state;
	char tenant[37], key[64];
	create_tenant(fx.srv.port, "Falling shop", tenant, key);
	json_decref(api_json(fx.srv.port, key, "PUT", "/v1/program", PROGRAM_TIERS, 200));
	add_endpoint(tenant, TIER_TYPES);
	put_customer(fx.srv.port, key, "faller", "{}");
	put_customer(fx.srv.port, key, "unseen", "{}");
	ledger_rows(tenant, "faller",
	            "('earn', 1200, 'old', NULL::timestamptz, now() - interval '365 days' + "
	            "interval '3 seconds'), ('earn', 300, 'recent', NULL, now() - interval '10 "
	            "days')");
	/* fanned out at once, while the 1,200 are in the window (the dispatcher's next claim
	 * would do it within its poll interval) */
	(void)db_long("SELECT outbound_fan_out(100000, true)", NULL);
	sleep(4);
	run_expect(tenant, "{\"ran\":true,\"baseline\":true,\"entered_segment\":0,\"expiring\":0,"
	                   "\"tier_changed\":1}");
	run_expect(tenant, "{\"ran\":true,\"baseline\":false,\"entered_segment\":0,\"expiring\":0,"
	                   "\"tier_changed\":0}");
	expect_messages(
	    tenant, TIER_TYPES,
	    "[{\"type\":\"tier.changed\",\"customer\":\"faller\",\"data\":{\"customer_id\":"
	    "\"faller\",\"from\":\"bronze\",\"to\":\"silver\",\"direction\":\"up\","
	    "\"points_in_window\":1200,\"at\":true}},"
	    "{\"type\":\"tier.changed\",\"customer\":\"faller\",\"data\":{\"customer_id\":"
	    "\"faller\",\"from\":\"silver\",\"to\":\"bronze\",\"direction\":\"down\","
	    "\"points_in_window\":300,\"at\":true}}]");
	char *told = sql_value("SELECT string_agg(c.external_id || '=' || o.tier, ',' ORDER BY "
	                       "c.external_id) FROM outbound_tiers o JOIN customers c ON c.id = "
	                       "o.customer_id WHERE o.tenant_id = $1",
	                       tenant, NULL);
	assert_string_equal(told, "faller=bronze,unseen=bronze");
	free(told);
}

#define EXPIRING_TYPES "ARRAY['points.expiring']"

/* points.expiring, 7 days ahead by default, once per lot, for what is left of it. exp's
 * lots in order of expiry: A 100 (3 days), B 200 (5 days), C 300 (20 days), and 150
 * redeemed: A is spent whole (nothing sent), B has 50 spent and 150 left, C is beyond 7
 * days; balance 0 + 150 + 300 = 450. full: D 80 in 2 days, untouched (balance 80). spent:
 * E 50 in 4 days, all redeemed. gone: F 70 lapsed yesterday. With expiring_days 21, C
 * (300, whole) is due too. */
static void points_expiring_once_per_lot_for_what_is_left(void **state)
{
	(void)state;
	char tenant[37], key[64];
	create_tenant(fx.srv.port, "Expiring shop", tenant, key);
	json_decref(api_json(fx.srv.port, key, "PUT", "/v1/program",
	                     "{\"currency\":\"EUR\",\"points_per_unit\":1,\"expiry_days\":365}",
	                     200));
	add_endpoint(tenant, EXPIRING_TYPES);
	const char *ids[] = {"exp", "full", "spent", "gone", NULL};
	for (int i = 0; ids[i]; i++)
		put_customer(fx.srv.port, key, ids[i], "{}");
	ledger_rows(tenant, "exp",
	            "('earn', 100, 'A', now() + interval '3 days', now() - interval '362 days'), "
	            "('earn', 200, 'B', now() + interval '5 days', now() - interval '360 days'), "
	            "('earn', 300, 'C', now() + interval '20 days', now() - interval '345 days'), "
	            "('redeem', -150, 'redeemed', NULL, now() - interval '100 days')");
	ledger_rows(tenant, "full",
	            "('earn', 80, 'D', now() + interval '2 days', now() - interval '363 days')");
	ledger_rows(tenant, "spent",
	            "('earn', 50, 'E', now() + interval '4 days', now() - interval '361 days'), "
	            "('redeem', -50, 'redeemed', NULL, now() - interval '30 days')");
	ledger_rows(tenant, "gone",
	            "('earn', 70, 'F', now() - interval '1 day', now() - interval '366 days')");
	run_expect(tenant, "{\"ran\":true,\"baseline\":true,\"entered_segment\":0,\"expiring\":2,"
	                   "\"tier_changed\":0}");
	run_expect(tenant, "{\"ran\":true,\"baseline\":false,\"entered_segment\":0,\"expiring\":0,"
	                   "\"tier_changed\":0}");
	const char *first_two =
	    "{\"type\":\"points.expiring\",\"customer\":\"exp\",\"data\":{\"customer_id\":\"exp\","
	    "\"lot\":\"B\",\"points\":150,\"expires_at\":true,\"balance\":450}},"
	    "{\"type\":\"points.expiring\",\"customer\":\"full\",\"data\":{\"customer_id\":"
	    "\"full\",\"lot\":\"D\",\"points\":80,\"expires_at\":true,\"balance\":80}}";
	char expected[1024];
	snprintf(expected, sizeof(expected), "[%s]", first_two);
	expect_messages(tenant, EXPIRING_TYPES, expected);
	assert_int_equal(db_long("WITH u AS (UPDATE outbound_settings SET expiring_days = 21 WHERE "
	                         "tenant_id = $1 RETURNING 1) SELECT count(*) FROM u",
	                         tenant),
	                 1);
	run_expect(tenant, "{\"ran\":true,\"baseline\":false,\"entered_segment\":0,\"expiring\":1,"
	                   "\"tier_changed\":0}");
	snprintf(expected, sizeof(expected),
	         "[%s,{\"type\":\"points.expiring\",\"customer\":\"exp\",\"data\":{\"customer_id\":"
	         "\"exp\",\"lot\":\"C\",\"points\":300,\"expires_at\":true,\"balance\":450}}]",
	         first_two);
	expect_messages(tenant, EXPIRING_TYPES, expected);
}

#define SEGMENT_TYPES "ARRAY['customer.entered_segment']"

/* A birthday `days` days from today (UTC, the tenant's tz), in 2000 (a leap year). */
static void birthday_body(int days, char body[64])
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(body, 64, "{\"birthday\":\"2000-%m-%d\"}", &tm);
}

/* customer.entered_segment. The first run is a baseline: old (lapsed: one order 100 days
 * ago) and bday1 (anniversaries: birthday in 2 days) are recorded, nothing is sent. Then
 * late orders (95 days ago: lapsed) and b2's birthday comes within 7 days: one message
 * each, with the segment list's figures — scored are old (last order 100 days ago, 10.00)
 * and late (95 days, 20.00): r by last order (old 1, late 2), f by orders then external id
 * (late 1, old 2), m by amount (old 1, late 2); late is r 2 f 1, hibernating; b2 has no
 * order. A run again sends nothing; b2's birthday moved away: b2 leaves, silently; moved
 * back: b2 enters again, a second message. */
static void segment_entries_once_with_a_baseline_and_reentry(void **state)
{
	(void)state;
	char tenant[37], key[64], t[32], body[512], bday[64];
	create_tenant(fx.srv.port, "Segment shop", tenant, key);
	add_endpoint(tenant, SEGMENT_TYPES);
	snprintf(body, sizeof(body),
	         "{\"events\":[{\"customer_id\":\"old\",\"type\":\"order\",\"occurred_at\":\"%s\","
	         "\"amount\":\"10.00\",\"currency\":\"EUR\",\"order_id\":\"old-1\"}]}",
	         time_ago(100, t));
	json_decref(api_json(fx.srv.port, key, "POST", "/v1/events", body, 200));
	birthday_body(2, bday);
	put_customer(fx.srv.port, key, "bday1", bday);
	run_expect(tenant, "{\"ran\":true,\"baseline\":true,\"entered_segment\":0,\"expiring\":0,"
	                   "\"tier_changed\":0}");
	expect_messages(tenant, SEGMENT_TYPES, "[]");
	char *members =
	    sql_value("SELECT string_agg(c.external_id || ':' || o.segment, ',' ORDER BY "
	              "c.external_id) FROM outbound_segment_members o JOIN customers c "
	              "ON c.id = o.customer_id WHERE o.tenant_id = $1",
	              tenant, NULL);
	assert_string_equal(members, "bday1:anniversaries,old:lapsed");
	free(members);

	snprintf(body, sizeof(body),
	         "{\"events\":[{\"customer_id\":\"late\",\"type\":\"order\",\"occurred_at\":\"%s\","
	         "\"amount\":\"20.00\",\"currency\":\"EUR\",\"order_id\":\"late-1\"}]}",
	         time_ago(95, t));
	json_decref(api_json(fx.srv.port, key, "POST", "/v1/events", body, 200));
	put_customer(fx.srv.port, key, "b2", bday);
	run_expect(tenant, "{\"ran\":true,\"baseline\":false,\"entered_segment\":2,\"expiring\":0,"
	                   "\"tier_changed\":0}");
	run_expect(tenant, "{\"ran\":true,\"baseline\":false,\"entered_segment\":0,\"expiring\":0,"
	                   "\"tier_changed\":0}");
	birthday_body(100, body);
	put_customer(fx.srv.port, key, "b2", body);
	run_expect(tenant, "{\"ran\":true,\"baseline\":false,\"entered_segment\":0,\"expiring\":0,"
	                   "\"tier_changed\":0}");
	assert_int_equal(db_long("SELECT count(*) FROM outbound_segment_members o JOIN customers c "
	                         "ON c.id = o.customer_id WHERE o.tenant_id = $1 AND "
	                         "c.external_id = 'b2'",
	                         tenant),
	                 0);
	put_customer(fx.srv.port, key, "b2", bday);
	run_expect(tenant, "{\"ran\":true,\"baseline\":false,\"entered_segment\":1,\"expiring\":0,"
	                   "\"tier_changed\":0}");
	const char *b2 = "{\"type\":\"customer.entered_segment\",\"customer\":\"b2\",\"data\":{"
	                 "\"customer_id\":\"b2\",\"segment\":\"anniversaries\",\"entered_at\":true,"
	                 "\"recency_days\":null,\"frequency\":0,\"monetary\":\"0\",\"r\":null,"
	                 "\"f\":null,\"m\":null,\"rfm_segment\":null}}";
	char expected[2048];
	snprintf(expected, sizeof(expected),
	         "[{\"type\":\"customer.entered_segment\",\"customer\":\"late\",\"data\":{"
	         "\"customer_id\":\"late\",\"segment\":\"lapsed\",\"entered_at\":true,"
	         "\"recency_days\":95,\"frequency\":1,\"monetary\":\"20.00\",\"r\":2,\"f\":1,"
	         "\"m\":2,\"rfm_segment\":\"hibernating\"}},%s,%s]",
	         b2, b2);
	expect_messages(tenant, SEGMENT_TYPES, expected);
}

/* A tenant without an endpoint: the run does nothing, records nothing, sends nothing. */
static void a_tenant_without_endpoints_gets_nothing(void **state)
{
	(void)state;
	char tenant[37], key[64], bday[64];
	create_tenant(fx.srv.port, "Quiet shop", tenant, key);
	json_decref(api_json(fx.srv.port, key, "PUT", "/v1/program", PROGRAM_TIERS, 200));
	birthday_body(2, bday);
	put_customer(fx.srv.port, key, "someone", bday);
	earn(key, "someone", 1500);
	ledger_rows(tenant, "someone",
	            "('earn', 40, 'soon', now() + interval '2 days', now() - interval '363 days')");
	run_expect(tenant, "{\"ran\":false,\"baseline\":false,\"entered_segment\":0,\"expiring\":0,"
	                   "\"tier_changed\":0}");
	assert_int_equal(
	    db_long("SELECT (SELECT count(*) FROM outbound_messages WHERE tenant_id = $1) + "
	            "(SELECT count(*) FROM outbound_settings WHERE tenant_id = $1) + "
	            "(SELECT count(*) FROM outbound_tiers WHERE tenant_id = $1) + "
	            "(SELECT count(*) FROM outbound_segment_members WHERE tenant_id = $1) + "
	            "(SELECT count(*) FROM outbound_expiring_sent WHERE tenant_id = $1)",
	            tenant),
	    0);
}

/* run_at is a time of day in the tenant's tz, and the day is its local day. The zone is
 * one whose offset is not a whole hour and whose local time is at least 30 minutes from
 * midnight now (Kathmandu, +05:45, else St John's, −03:30 or −02:30: never both near
 * midnight), so that run_at can be set 10 minutes either side of its local time: later is
 * not due, earlier is due once; run in UTC, one of the two would come out otherwise (UTC
 * is 5:45 or more away). */
static void run_at_is_local_time_in_the_tenants_zone(void **state)
{
	(void)state;
	char tenant[37], key[64];
	create_tenant(fx.srv.port, "Kathmandu shop", tenant, key);
	add_endpoint(tenant, SEGMENT_TYPES);
	char *tz =
	    sql_value("SELECT CASE WHEN (now() AT TIME ZONE 'Asia/Kathmandu')::time BETWEEN "
	              "'00:30' AND '23:30' THEN 'Asia/Kathmandu' ELSE 'America/St_Johns' END",
	              NULL, NULL);
	char *n =
	    sql_value("WITH s AS (INSERT INTO outbound_settings (tenant_id, tz, run_at) "
	              "VALUES ($1, $2, ((now() AT TIME ZONE $2) + interval '10 minutes')::time) "
	              "RETURNING 1) SELECT count(*) FROM s",
	              tenant, tz);
	free(n);
	json_t *j = run_daily(NULL);
	assert_non_null(j);
	json_decref(j);
	assert_int_equal(db_long("SELECT count(*) FROM outbound_settings WHERE tenant_id = $1 AND "
	                         "last_run_on IS NULL",
	                         tenant),
	                 1);
	n = sql_value("WITH s AS (UPDATE outbound_settings SET run_at = ((now() AT TIME ZONE $2) - "
	              "interval '10 minutes')::time WHERE tenant_id = $1 RETURNING 1) SELECT "
	              "count(*) FROM s",
	              tenant, tz);
	free(n);
	j = run_daily(NULL);
	assert_non_null(j);
	assert_true(json_int(j, "tenants") >= 1);
	json_decref(j);
	char *ran_on = sql_value("SELECT last_run_on = (now() AT TIME ZONE $2)::date FROM "
	                         "outbound_settings WHERE tenant_id = $1",
	                         tenant, tz);
	assert_string_equal(ran_on, "t");
	free(ran_on);
	/* done for the local day: a second check (a restart, another process) does nothing */
	n = sql_value("SELECT count(*) FROM outbound_daily_due() d WHERE d.tenant_id = $1", tenant,
	              NULL);
	assert_string_equal(n, "0");
	free(n);
	free(tz);
}

/* The background thread (LOYALTYD_OUTBOUND_DAILY_CHECK_S=1) runs a due tenant by itself. */
static void the_thread_runs_a_due_tenant(void **state)
{
	(void)state;
	char tenant[37], key[64];
	create_tenant(fx.srv.port, "Threaded shop", tenant, key);
	add_endpoint(tenant, NULL);
	assert_int_equal(db_long("WITH s AS (INSERT INTO outbound_settings (tenant_id, run_at) "
	                         "VALUES ($1, '00:00') RETURNING 1) SELECT count(*) FROM s",
	                         tenant),
	                 1);
	struct server srv;
	const char *env[] = {"LOYALTYD_OUTBOUND_DAILY_CHECK_S=1", "LOYALTYD_EXPIRY_INTERVAL_S=0",
	                     NULL};
	server_start(&srv, env);
	long ran = 0;
	for (int i = 0; i < 100 && !ran; i++) {
		usleep(100000);
		ran = db_long("SELECT count(*) FROM outbound_settings WHERE tenant_id = $1 AND "
		              "last_run_on IS NOT NULL",
		              tenant);
	}
	assert_int_equal(server_stop(&srv), 0);
	assert_int_equal(ran, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tier_changes_on_ledger_writes),
	    cmocka_unit_test(tier_down_by_time_at_the_daily_run),
	    cmocka_unit_test(points_expiring_once_per_lot_for_what_is_left),
	    cmocka_unit_test(segment_entries_once_with_a_baseline_and_reentry),
	    cmocka_unit_test(a_tenant_without_endpoints_gets_nothing),
	    cmocka_unit_test(run_at_is_local_time_in_the_tenants_zone),
	    cmocka_unit_test(the_thread_runs_a_due_tenant),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
