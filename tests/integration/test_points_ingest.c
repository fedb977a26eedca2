/* test_points_ingest.c - points earned on ingest against the real server and database:
 * orders by amount × points_per_unit × tier multiplier with the programme's rounding,
 * fixed points per event type, never twice for a duplicate, only in the programme's
 * currency; refunds taking back in proportion, with the shortfall recorded and the
 * balance never below zero; back-dated lots lapsing at once; programme versions; tier
 * placement in SQL; concurrent ingests that never deadlock. After every test the ledger
 * invariant (ledger_invariant in the harness) holds for every customer. */
#include <pthread.h>
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

static json_t *ok_json(const char *method, const char *path, const char *body, int status)
{
	return api_json(fx.srv.port, fx.key, method, path, body, status);
}

static long long balance_of(const char *customer)
{
	char path[128];
	snprintf(path, sizeof(path), "/v1/customers/%s/points", customer);
	json_t *j = ok_json("GET", path, NULL, 200);
	long long b = json_int(j, "balance");
	json_decref(j);
	return b;
}

/* A number from the ledger of this tenant: sql has $1 = tenant id. */
static long ledger(const char *sql)
{
	return db_long(sql, fx.tenant);
}

static json_t *post_events(const char *body)
{
	return ok_json("POST", "/v1/events", body, 200);
}

static const char *PROGRAM =
    "{\"currency\":\"EUR\",\"points_per_unit\":1,\"rounding\":\"floor\",\"event_points\":"
    "{\"review\":50,\"referral\":200,\"signup\":25,\"birthday\":100},\"tiers\":[{\"name\":"
    "\"bronze\",\"threshold\":0},{\"name\":\"silver\",\"threshold\":1000,\"multiplier\":1.5}],"
    "\"tier_window_days\":365,\"expiry_days\":365,\"min_redeem\":1,\"point_value\":\"0.01\"}";

static int setup(void **state)
{
	fixture_setup(state, &fx, NULL, "Ingest points shop");
	json_decref(ok_json("PUT", "/v1/program", PROGRAM, 200));
	return 0;
}

static void orders_earn_by_amount_tier_and_rounding(void **state)
{
	char t1[32], t2[32], t3[32], t4[32], body[2048];
	(void)state;
	/* 999.99 at bronze → 999 (floor); the review's 50 lifts the window to 1049 → silver;
	 * 100.10 × 1.5 = 150.15 → 150; an order in USD earns nothing, a visit nothing */
	snprintf(body, sizeof(body),
	         "{\"events\":["
	         "{\"id\":\"olga-1\",\"customer_id\":\"olga\",\"type\":\"order\",\"occurred_at\":"
	         "\"%s\",\"amount\":999.99,\"currency\":\"EUR\",\"order_id\":\"O-1\"},"
	         "{\"id\":\"olga-2\",\"customer_id\":\"olga\",\"type\":\"review\",\"occurred_at\":"
	         "\"%s\"},"
	         "{\"id\":\"olga-3\",\"customer_id\":\"olga\",\"type\":\"order\",\"occurred_at\":"
	         "\"%s\",\"amount\":100.10,\"currency\":\"EUR\",\"order_id\":\"O-2\"},"
	         "{\"id\":\"olga-4\",\"customer_id\":\"olga\",\"type\":\"order\",\"occurred_at\":"
	         "\"%s\",\"amount\":50,\"currency\":\"USD\",\"order_id\":\"O-3\"},"
	         "{\"customer_id\":\"olga\",\"type\":\"visit\",\"occurred_at\":\"%s\"}]}",
	         time_ago(3, t1), time_ago(2, t2), time_ago(1, t3), time_ago(0.5, t4), t4);
	json_t *j = post_events(body);
	assert_int_equal(json_int(j, "accepted"), 5);
	json_decref(j);
	/* the same batch again: duplicates (the visit has no id: stored again), nothing
	 * earned twice */
	j = post_events(body);
	assert_int_equal(json_int(j, "accepted"), 1);

	assert_int_equal(json_int(j, "duplicates"), 4);
	json_decref(j);
	j = ok_json("GET", "/v1/customers/olga/points", NULL, 200);
	assert_int_equal(json_int(j, "balance"), 1199);
	assert_int_equal(json_int(j, "lifetime_earned"), 1199);
	assert_string_equal(json_string_value(json_object_get(j, "tier")), "silver");
	assert_string_equal(json_string_value(json_object_get(j, "cash_value")), "11.99");
	json_decref(j);
	/* each entry names its event, its order, the programme version and the amount */
	assert_int_equal(ledger("SELECT count(*) FROM points_ledger l JOIN customers c ON c.id = "
	                        "l.customer_id WHERE l.tenant_id = $1 AND c.external_id = 'olga' "
	                        "AND l.event_id IS NOT NULL AND l.program_version = 1"),
	                 3);
	assert_int_equal(ledger("SELECT points FROM points_ledger WHERE tenant_id = $1 AND "
	                        "reference = 'O-2' AND amount = 100.10 AND reason = 'order'"),
	                 150);
	/* the points of an order date from the order: they expire 365 days after it */
	assert_int_equal(ledger("SELECT count(*) FROM points_ledger l JOIN events e ON e.tenant_id "
	                        "= l.tenant_id AND e.id = l.event_id WHERE l.tenant_id = $1 AND "
	                        "l.created_at = e.occurred_at AND l.expires_at = e.occurred_at + "
	                        "interval '365 days' AND e.client_id LIKE 'olga-%'"),
	                 3);
}

static void fixed_points_per_event_type(void **state)
{
	char t[32], body[1024];
	(void)state;
	snprintf(body, sizeof(body),
	         "{\"events\":["
	         "{\"customer_id\":\"fred\",\"type\":\"signup\",\"occurred_at\":\"%s\"},"
	         "{\"customer_id\":\"fred\",\"type\":\"referral\",\"occurred_at\":\"%s\"},"
	         "{\"customer_id\":\"fred\",\"type\":\"birthday\",\"occurred_at\":\"%s\"},"
	         "{\"customer_id\":\"fred\",\"type\":\"support_ticket\",\"occurred_at\":\"%s\"}]}",
	         time_ago(1, t), t, t, t);
	json_decref(post_events(body));
	assert_int_equal(balance_of("fred"), 25 + 200 + 100);
	assert_int_equal(ledger("SELECT count(*) FROM points_ledger WHERE tenant_id = $1 AND "
	                        "reason IN ('signup', 'referral', 'birthday')"),
	                 3);
}

static void refunds_take_back_in_proportion_never_below_zero(void **state)
{
	char t[32], body[1024];
	(void)state;
	snprintf(body, sizeof(body),
	         "{\"customer_id\":\"rita\",\"type\":\"order\",\"occurred_at\":\"%s\","
	         "\"amount\":200,\"currency\":\"EUR\",\"order_id\":\"R-1\"}",
	         time_ago(5, t));
	json_decref(post_events(body));
	assert_int_equal(balance_of("rita"), 200);
	/* a quarter refunded: 50 back */
	snprintf(body, sizeof(body),
	         "{\"id\":\"rita-r1\",\"customer_id\":\"rita\",\"type\":\"refund\",\"occurred_at\":"
	         "\"%s\",\"amount\":50,\"currency\":\"EUR\",\"order_id\":\"R-1\"}",
	         time_ago(4, t));
	json_decref(post_events(body));
	json_decref(post_events(body)); /* a duplicate takes nothing */
	assert_int_equal(balance_of("rita"), 150);
	json_decref(ok_json("POST", "/v1/customers/rita/points/redeem", "{\"points\":120}", 201));
	/* 150 of 200 refunded in all: 150 back, 100 of it now; only 30 left → shortfall 70 */
	snprintf(body, sizeof(body),
	         "{\"customer_id\":\"rita\",\"type\":\"refund\",\"occurred_at\":\"%s\","
	         "\"amount\":100,\"currency\":\"EUR\",\"order_id\":\"R-1\"}",
	         time_ago(3, t));
	json_decref(post_events(body));
	assert_int_equal(balance_of("rita"), 0);
	assert_int_equal(ledger("SELECT points * 1000 + shortfall FROM points_ledger WHERE "
	                        "tenant_id = $1 AND reference = 'R-1' AND amount = 100"),
	                 -30 * 1000 + 70);
	/* more than the order refunded: capped at its 200 points; nothing left to take */
	snprintf(body, sizeof(body),
	         "{\"customer_id\":\"rita\",\"type\":\"refund\",\"occurred_at\":\"%s\","
	         "\"amount\":100,\"currency\":\"EUR\",\"order_id\":\"R-1\"}",
	         time_ago(2, t));
	json_decref(post_events(body));
	assert_int_equal(balance_of("rita"), 0);
	assert_int_equal(ledger("SELECT sum(-points + shortfall) FROM points_ledger WHERE "
	                        "tenant_id = $1 AND reference = 'R-1' AND kind = 'refund'"),
	                 200);
	assert_int_equal(ledger("SELECT sum(shortfall) FROM points_ledger WHERE tenant_id = $1 "
	                        "AND reference = 'R-1'"),
	                 70 + 50);
	/* a refund of an order that earned nothing, or of an unknown order, writes nothing */
	snprintf(body, sizeof(body),
	         "{\"customer_id\":\"rita\",\"type\":\"refund\",\"occurred_at\":\"%s\","
	         "\"amount\":10,\"currency\":\"EUR\",\"order_id\":\"nowhere\"}",
	         time_ago(1, t));
	json_decref(post_events(body));
	assert_int_equal(ledger("SELECT count(*) FROM points_ledger WHERE tenant_id = $1 AND "
	                        "reference = 'nowhere'"),
	                 0);
}

static void refunds_in_parts_take_back_exactly_the_order(void **state)
{
	char t1[32], t2[32], t3[32], t4[32], body[1400];
	(void)state;
	/* 10.00 earns 10; refunds of 3.33, 3.33, 3.34 (one batch with the order) take back
	 * floor(3.33) = 3, floor(6.66) - 3 = 3, and 10 - 6 = 4 */
	snprintf(body, sizeof(body),
	         "{\"events\":["
	         "{\"customer_id\":\"paula\",\"type\":\"order\",\"occurred_at\":\"%s\",\"amount\":"
	         "10,\"currency\":\"EUR\",\"order_id\":\"P-1\"},"
	         "{\"customer_id\":\"paula\",\"type\":\"refund\",\"occurred_at\":\"%s\",\"amount\":"
	         "3.33,\"currency\":\"EUR\",\"order_id\":\"P-1\"},"
	         "{\"customer_id\":\"paula\",\"type\":\"refund\",\"occurred_at\":\"%s\",\"amount\":"
	         "3.33,\"currency\":\"EUR\",\"order_id\":\"P-1\"},"
	         "{\"customer_id\":\"paula\",\"type\":\"review\",\"occurred_at\":\"%s\"}]}",
	         time_ago(4, t1), time_ago(3, t2), time_ago(2, t3), time_ago(1, t4));
	json_decref(post_events(body));
	assert_int_equal(balance_of("paula"), 10 - 3 - 3 + 50);
	snprintf(body, sizeof(body),
	         "{\"customer_id\":\"paula\",\"type\":\"refund\",\"occurred_at\":\"%s\","
	         "\"amount\":3.34,\"currency\":\"EUR\",\"order_id\":\"P-1\"}",
	         time_ago(0.5, t1));
	json_decref(post_events(body));
	assert_int_equal(balance_of("paula"), 50);
	assert_int_equal(ledger("SELECT string_agg((-points)::text, '' ORDER BY id)::bigint FROM "
	                        "(SELECT * FROM points_ledger WHERE tenant_id = $1 AND reference = "
	                        "'P-1' AND kind = 'refund') r"),
	                 334);
	/* a refund in another currency than its order's takes nothing */
	snprintf(body, sizeof(body),
	         "{\"customer_id\":\"paula\",\"type\":\"order\",\"occurred_at\":\"%s\",\"amount\":"
	         "40,\"currency\":\"EUR\",\"order_id\":\"P-2\"}",
	         time_ago(0.4, t1));
	json_decref(post_events(body));
	snprintf(body, sizeof(body),
	         "{\"customer_id\":\"paula\",\"type\":\"refund\",\"occurred_at\":\"%s\",\"amount\":"
	         "40,\"currency\":\"USD\",\"order_id\":\"P-2\"}",
	         time_ago(0.3, t1));
	json_decref(post_events(body));
	assert_int_equal(balance_of("paula"), 90);
}

static void a_refunded_order_does_not_lift_the_tier(void **state)
{
	char t1[32], t2[32], body[1024];
	(void)state;
	snprintf(body, sizeof(body),
	         "{\"events\":["
	         "{\"customer_id\":\"tom\",\"type\":\"order\",\"occurred_at\":\"%s\",\"amount\":"
	         "1200,\"currency\":\"EUR\",\"order_id\":\"T-1\"},"
	         "{\"customer_id\":\"tom\",\"type\":\"refund\",\"occurred_at\":\"%s\",\"amount\":"
	         "600,\"currency\":\"EUR\",\"order_id\":\"T-1\"}]}",
	         time_ago(2, t1), time_ago(1, t2));
	json_decref(post_events(body));
	json_t *j = ok_json("GET", "/v1/customers/tom/points", NULL, 200);
	assert_int_equal(json_int(j, "balance"), 600);
	assert_int_equal(json_int(j, "lifetime_earned"), 1200);
	assert_string_equal(json_string_value(json_object_get(j, "tier")), "bronze");
	assert_int_equal(json_int(j, "points_to_next_tier"), 400);
	json_decref(j);
}

static void a_membership_in_the_batch_sets_the_multiplier(void **state)
{
	char t1[32], t2[32], body[1024];
	(void)state;
	snprintf(
	    body, sizeof(body),
	    "{\"events\":["
	    "{\"customer_id\":\"mia\",\"type\":\"membership_purchased\",\"occurred_at\":\"%s\","
	    "\"properties\":{\"tier\":\"silver\",\"until\":\"2099-01-01T00:00:00Z\"}},"
	    "{\"customer_id\":\"mia\",\"type\":\"order\",\"occurred_at\":\"%s\",\"amount\":"
	    "100,\"currency\":\"EUR\",\"order_id\":\"M-1\"}]}",
	    time_ago(2, t1), time_ago(1, t2));
	json_decref(post_events(body));
	assert_int_equal(balance_of("mia"), 150);
}

static void back_dated_points_lapse_at_once(void **state)
{
	char t[32], body[512];
	(void)state;
	snprintf(body, sizeof(body),
	         "{\"customer_id\":\"old\",\"type\":\"order\",\"occurred_at\":\"%s\","
	         "\"amount\":80,\"currency\":\"EUR\",\"order_id\":\"X-1\"}",
	         time_ago(400, t));
	json_decref(post_events(body));
	json_t *j = ok_json("GET", "/v1/customers/old/points", NULL, 200);
	assert_int_equal(json_int(j, "balance"), 0);
	assert_int_equal(json_int(j, "lifetime_earned"), 80);
	assert_true(json_is_null(json_object_get(j, "expiring")));
	json_decref(j);
	/* written off in the same transaction, not left for the task */
	assert_int_equal(ledger("SELECT -sum(l.points) FROM points_ledger l JOIN customers c ON "
	                        "c.id = l.customer_id WHERE l.tenant_id = $1 AND c.external_id = "
	                        "'old' AND l.kind = 'expire'"),
	                 80);
}

static void new_rules_for_new_points_old_rules_for_old_refunds(void **state)
{
	char t[32], body[512];
	(void)state;
	/* version 2: 2 points per euro, rounding to nearest */
	char *v2 = strdup(PROGRAM);
	char *p = strstr(v2, "\"points_per_unit\":1");
	p[strlen("\"points_per_unit\":")] = '2';
	p = strstr(v2, "\"floor\"");
	memcpy(p, "\"round\"", 7);
	json_decref(ok_json("PUT", "/v1/program", v2, 200));
	free(v2);
	snprintf(body, sizeof(body),
	         "{\"customer_id\":\"vera\",\"type\":\"order\",\"occurred_at\":\"%s\","
	         "\"amount\":10.25,\"currency\":\"EUR\",\"order_id\":\"V-1\"}",
	         time_ago(1, t));
	json_decref(post_events(body));
	assert_int_equal(balance_of("vera"), 21); /* round(20.5) */
	assert_int_equal(ledger("SELECT program_version FROM points_ledger WHERE tenant_id = $1 "
	                        "AND reference = 'V-1'"),
	                 2);
	/* olga's O-1 was earned under version 1 (floor): refunding 1.00 of 999.99 takes back
	 * floor(999 × 1 / 999.99) = floor(0.999…) = 0 — nothing written */
	snprintf(body, sizeof(body),
	         "{\"customer_id\":\"olga\",\"type\":\"refund\",\"occurred_at\":\"%s\","
	         "\"amount\":1,\"currency\":\"EUR\",\"order_id\":\"O-1\"}",
	         time_ago(0.1, t));
	json_decref(post_events(body));
	assert_int_equal(balance_of("olga"), 1199);
	json_decref(ok_json("PUT", "/v1/program", PROGRAM, 200));
}

static void a_tenant_without_programme_earns_nothing(void **state)
{
	char other_tenant[37], other_key[64], t[32], body[512];
	struct response r;
	(void)state;
	create_tenant(fx.srv.port, "No programme", other_tenant, other_key);
	snprintf(body, sizeof(body),
	         "{\"customer_id\":\"olga\",\"type\":\"order\",\"occurred_at\":\"%s\","
	         "\"amount\":500,\"currency\":\"EUR\",\"order_id\":\"O-1\"}",
	         time_ago(1, t));
	assert_int_equal(call_as(fx.srv.port, other_key, "POST", "/v1/events", body, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	response_free(&r);
	assert_int_equal(
	    db_long("SELECT count(*) FROM points_ledger WHERE tenant_id = $1", other_tenant), 0);
	/* and this tenant's olga is untouched by the other tenant's order */
	assert_int_equal(balance_of("olga"), 1199);
}

/* Tier placement (program_tier in SQL), the cases the C version once had. */
static void tier_placement(void **state)
{
	(void)state;
	const char *p = "'{\"tiers\":[{\"name\":\"bronze\",\"threshold\":0,\"multiplier\":1},"
	                "{\"name\":\"silver\",\"threshold\":1000,\"multiplier\":1.25},{\"name\":"
	                "\"gold\",\"threshold\":5000,\"multiplier\":1.5}]}'::jsonb";
	char sql[1024];
	struct {
		long earned;
		const char *granted, *expect;
	} cases[] = {
	    {0, "{}", "bronze silver 1000 1.0000"},
	    {999, "{}", "bronze silver 1 1.0000"},
	    {1000, "{}", "silver gold 4000 1.2500"},
	    {99999, "{}", "gold - - 1.5000"},
	    {200, "{gold}", "gold - - 1.5000"},
	    /* a lower grant, and a name the programme does not have, change nothing */
	    {1200, "{bronze,platinum}", "silver gold 3800 1.2500"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(sql, sizeof(sql),
		         "SELECT (concat_ws(' ', tier, coalesce(next_tier, '-'), "
		         "coalesce(points_to_next::text, '-'), multiplier) = $1)::int FROM "
		         "program_tier(%s, %ld, '%s')",
		         p, cases[i].earned, cases[i].granted);
		if (db_long(sql, cases[i].expect) != 1)
			fail_msg("program_tier(%ld, %s) is not %s", cases[i].earned,
			         cases[i].granted, cases[i].expect);
	}
	/* no programme: no tier */
	assert_int_equal(db_long("SELECT count(*) FROM program_tier(NULL, 10, '{}')", NULL), 0);
}

struct loader {
	int n;
	int failures;
};

static void *load_orders(void *arg)
{
	struct loader *l = arg;
	char t[32], body[8192];
	time_ago(1, t);
	for (int round = 0; round < 10; round++) {
		size_t len = (size_t)snprintf(body, sizeof(body), "{\"events\":[");
		for (int c = 0; c < 10; c++) {
			/* each thread visits the ten customers in its own order */
			int who = (l->n % 2) ? c : 9 - c;
			len += (size_t)snprintf(body + len, sizeof(body) - len,
			                        "%s{\"customer_id\":\"busy-%d\",\"type\":\"order\","
			                        "\"occurred_at\":\"%s\",\"amount\":1,\"currency\":"
			                        "\"EUR\",\"order_id\":\"B-%d-%d-%d\"}",
			                        c ? "," : "", who, t, l->n, round, who);
		}
		snprintf(body + len, sizeof(body) - len, "]}");
		struct response r;
		if (call_as(fx.srv.port, fx.key, "POST", "/v1/events", body, NULL, &r) != 0 ||
		    r.status != 200)
			l->failures++;
		response_free(&r);
	}
	return NULL;
}

static void concurrent_ingests_never_deadlock(void **state)
{
	pthread_t th[6];
	struct loader l[6];
	(void)state;
	for (int i = 0; i < 6; i++) {
		l[i] = (struct loader){i, 0};
		pthread_create(&th[i], NULL, load_orders, &l[i]);
	}
	for (int i = 0; i < 6; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(l[i].failures, 0);
	}
	/* 6 threads × 10 rounds × 1 point for each of the ten customers */
	for (int c = 0; c < 10; c++) {
		char who[16];
		snprintf(who, sizeof(who), "busy-%d", c);
		assert_int_equal(balance_of(who), 60);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(orders_earn_by_amount_tier_and_rounding, ledger_invariant),
	    cmocka_unit_test_teardown(fixed_points_per_event_type, ledger_invariant),
	    cmocka_unit_test_teardown(refunds_take_back_in_proportion_never_below_zero,
	                              ledger_invariant),
	    cmocka_unit_test_teardown(refunds_in_parts_take_back_exactly_the_order,
	                              ledger_invariant),
	    cmocka_unit_test_teardown(a_refunded_order_does_not_lift_the_tier, ledger_invariant),
	    cmocka_unit_test_teardown(a_membership_in_the_batch_sets_the_multiplier,
	                              ledger_invariant),
	    cmocka_unit_test_teardown(back_dated_points_lapse_at_once, ledger_invariant),
	    cmocka_unit_test_teardown(new_rules_for_new_points_old_rules_for_old_refunds,
	                              ledger_invariant),
	    cmocka_unit_test_teardown(a_tenant_without_programme_earns_nothing, ledger_invariant),
	    cmocka_unit_test(tier_placement),
	    cmocka_unit_test_teardown(concurrent_ingests_never_deadlock, ledger_invariant),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
