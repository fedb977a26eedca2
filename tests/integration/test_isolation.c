/* test_isolation.c - tenant isolation, exhaustively: every route of the route table is
 * called with tenant A's keys against tenant B's ids (B's customer, survey, key, webhook
 * source and secret, tenant), and must answer 404 (or 401 for B's webhook paths), or, for
 * routes that list, report or create within A, answer without a trace of B; B's rows are
 * byte-for-byte the same afterwards, and every route was visited. Then the second wall:
 * under row-level security loyaltyd's role sees nothing without a tenant named, only the
 * named tenant's rows with one, cannot write another tenant's rows, and loyaltyd really
 * works as that role. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "dispatch/routes.h"
#include "domain/webhook_sig.h"
#include "harness.h"

static struct fixture fx; /* its tenants are a and b */

struct tenant {
	char id[37], key[64], survey[37], key_id[37], source[37], secret[37], identity[37];
	char endpoint[37], message[32]; /* an event endpoint and one of its messages */
	char reward[37], coupon[80];    /* a reward, and a coupon the customer redeemed */
};
static struct tenant a, b;

#define B_MARKERS "iso-b-only", "b-marker@tenant-b.example", "Tenant B Marker", "b-marker-comment"

static json_t *api(const struct tenant *t, const char *method, const char *path, const char *body,
                   int status)
{
	return api_json(fx.srv.port, t->key, method, path, body, status);
}

static void tenant_with_data(struct tenant *t, const char *name, const char *customer,
                             const char *email, const char *person, const char *comment)
{
	char path[160], body[512];
	char other[64];
	create_tenant(fx.srv.port, name, t->id, t->key);
	create_key(fx.srv.port, t->key, "[\"read\"]", other, t->key_id);
	/* an event endpoint first, so that the data below writes messages for it */
	json_t *ep = api(t, "POST", "/v1/event-endpoints",
	                 "{\"url\":\"http://127.0.0.1:9/iso\",\"description\":\"iso\"}", 201);
	snprintf(t->endpoint, sizeof(t->endpoint), "%s",
	         json_string_value(json_object_get(ep, "id")));
	json_decref(ep);
	json_decref(
	    api(t, "PUT", "/v1/program",
	        "{\"currency\":\"EUR\",\"points_per_unit\":1,\"tiers\":[{\"name\":\"basic\","
	        "\"threshold\":0}],\"expiry_days\":365,\"min_redeem\":1}",
	        200));
	snprintf(path, sizeof(path), "/v1/customers/%s", customer);
	snprintf(body, sizeof(body), "{\"email\":\"%s\",\"name\":\"%s\"}", email, person);
	json_decref(api(t, "PUT", path, body, 201));
	snprintf(
	    body, sizeof(body),
	    "{\"events\":[{\"id\":\"o-1\",\"customer_id\":\"%s\",\"type\":\"order\","
	    "\"occurred_at\":\"2026-10-01T10:00:00Z\",\"amount\":\"120.00\",\"currency\":\"EUR\","
	    "\"order_id\":\"o-1\"},{\"customer_id\":\"shared\",\"type\":\"visit\","
	    "\"occurred_at\":\"2026-10-02T10:00:00Z\"}]}",
	    customer);
	json_decref(api(t, "POST", "/v1/events", body, 200));
	json_t *s =
	    api(t, "POST", "/v1/surveys",
	        "{\"name\":\"Iso survey\",\"kind\":\"nps\",\"question\":\"Recommend?\"}", 201);
	snprintf(t->survey, sizeof(t->survey), "%s", json_string_value(json_object_get(s, "id")));
	json_decref(s);
	snprintf(path, sizeof(path), "/v1/surveys/%s/responses", t->survey);
	snprintf(body, sizeof(body), "{\"customer_id\":\"%s\",\"score\":9,\"comment\":\"%s\"}",
	         customer, comment);
	json_decref(api(t, "POST", path, body, 201));
	json_t *src = api(t, "POST", "/v1/webhook-sources",
	                  "{\"kind\":\"shopify\",\"shop\":\"iso.myshopify.com\",\"secret\":"
	                  "\"iso-secret-of-each\"}",
	                  201);
	snprintf(t->source, sizeof(t->source), "%s", json_string_value(json_object_get(src, "id")));
	snprintf(t->secret, sizeof(t->secret), "%s",
	         json_string_value(
	             json_object_get(json_array_get(json_object_get(src, "secrets"), 0), "id")));
	json_decref(src);
	snprintf(path, sizeof(path), "/v1/webhook-sources/%s/secrets", t->source);
	snprintf(body, sizeof(body), "{\"secret\":\"%s-only-second\"}", name);
	json_decref(api(t, "POST", path, body, 201));
	json_t *idv = api(t, "POST", "/v1/identity-verification/secrets", NULL, 201);
	snprintf(t->identity, sizeof(t->identity), "%s",
	         json_string_value(json_object_get(idv, "id")));
	json_decref(idv);
	json_decref(api(t, "PUT", "/v1/identity-verification", "{\"required\":true}", 200));
	snprintf(path, sizeof(path), "/v1/event-endpoints/%s/test", t->endpoint);
	json_t *msg = api(t, "POST", path, NULL, 202);
	snprintf(t->message, sizeof(t->message), "%s",
	         json_string_value(json_object_get(msg, "id")));
	json_decref(msg);
	json_decref(api(t, "PUT", "/v1/event-settings",
	                "{\"tz\":\"Europe/Zagreb\",\"run_at\":\"05:00\",\"expiring_days\":3}",
	                200));
	json_t *rw = api(t, "POST", "/v1/rewards",
	                 "{\"name\":\"Iso reward\",\"points_cost\":50,\"kind\":\"custom\"}", 201);
	snprintf(t->reward, sizeof(t->reward), "%s", json_string_value(json_object_get(rw, "id")));
	json_decref(rw);
	snprintf(path, sizeof(path), "/v1/customers/%s/rewards/%s/redeem", customer, t->reward);
	json_t *red = api(t, "POST", path, NULL, 201);
	snprintf(t->coupon, sizeof(t->coupon), "%s",
	         json_string_value(json_object_get(json_object_get(red, "coupon"), "code")));
	json_decref(red);
	/* disabled, so that no delivery attempt changes its messages during the walk */
	snprintf(path, sizeof(path), "/v1/event-endpoints/%s", t->endpoint);
	json_decref(api(t, "PATCH", path, "{\"enabled\":false}", 200));
}

/* Every row B has, as one digest. */
static char *digest_of_b(void)
{
	static char out[40];
	static const char *const tables[] = {"customers",
	                                     "events",
	                                     "points_ledger",
	                                     "points_accounts",
	                                     "customer_rollups",
	                                     "surveys",
	                                     "survey_responses",
	                                     "api_keys",
	                                     "loyalty_programs",
	                                     "webhook_sources",
	                                     "webhook_secrets",
	                                     "webhook_deliveries",
	                                     "webhook_orders",
	                                     "idempotency_keys",
	                                     "points_expiry_watermark",
	                                     "identity_settings",
	                                     "identity_secrets",
	                                     "event_endpoints",
	                                     "event_endpoint_secrets",
	                                     "outbound_messages",
	                                     "outbound_settings",
	                                     "outbound_events",
	                                     "rewards",
	                                     "coupons"};
	char sql[4096] = "SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (";
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		char part[200];
		snprintf(part, sizeof(part),
		         "%sSELECT '%s' || t::text FROM %s t WHERE tenant_id = $1",
		         i ? " UNION ALL " : "", tables[i], tables[i]);
		strcat(sql, part);
	}
	strcat(sql, " UNION ALL SELECT 'tenant' || t::text FROM tenants t WHERE id = $1) s(x)");
	PGconn *c = PQconnectdb(getenv("LOYALTYD_TEST_DATABASE_URL"));
	const char *p[] = {b.id};
	db_fan_out_first(c, sql); /* B's recorded events as messages, whoever fans them out */
	PGresult *r = PQexecParams(c, sql, 1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("digest: %s", PQerrorMessage(c));
	snprintf(out, sizeof(out), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return out;
}

enum expect { NOT_FOUND, UNAUTHORIZED, CLEAN };

struct walk_step {
	const char *method, *path, *body;
	enum expect expect;
};

/* {bc}: B's customer (A has none of that id); {bs} B's survey; {bk} B's key; {bw} B's
 * webhook source; {bx} its secret; {bt} B's tenant; {bi} B's identity verification secret. */
static const struct walk_step walk[] = {
    {"GET", "/healthz", NULL, CLEAN},
    {"GET", "/readyz", NULL, CLEAN},
    {"GET", "/metrics", NULL, CLEAN},
    {"GET", "/openapi.yaml", NULL, CLEAN},
    {"GET", "/dashboard", NULL, CLEAN},
    {"GET", "/dashboard/dashboard.js", NULL, CLEAN},
    {"GET", "/dashboard/dashboard.css", NULL, CLEAN},
    {"GET", "/dashboard/uPlot.iife.min.js", NULL, CLEAN},
    {"GET", "/dashboard/uPlot.min.css", NULL, CLEAN},
    {"GET", "/widget/nps.js", NULL, CLEAN},
    {"POST", "/v1/keys", "{\"name\":\"iso\",\"scopes\":[\"read\"]}", CLEAN},
    {"GET", "/v1/keys", NULL, CLEAN},
    {"DELETE", "/v1/keys/{bk}", NULL, NOT_FOUND},
    {"GET", "/v1/customers", NULL, CLEAN},
    {"GET", "/v1/customers?email=b-marker%40tenant-b.example", NULL, CLEAN},
    {"GET", "/v1/customers/{bc}", NULL, NOT_FOUND},
    {"GET", "/v1/customers/{bc}/export", NULL, NOT_FOUND},
    {"GET", "/v1/customers/{bc}/events", NULL, NOT_FOUND},
    {"GET", "/v1/customers/{bc}/points", NULL, NOT_FOUND},
    {"GET", "/v1/customers/{bc}/points/history", NULL, NOT_FOUND},
    {"POST", "/v1/customers/{bc}/points/earn", "{\"points\":10}", NOT_FOUND},
    {"POST", "/v1/customers/{bc}/points/redeem", "{\"points\":1}", NOT_FOUND},
    {"POST", "/v1/customers/{bc}/points/adjust", "{\"points\":-5,\"reason\":\"x\"}", NOT_FOUND},
    {"DELETE", "/v1/customers/{bc}", NULL, NOT_FOUND},
    /* rewards and coupons: B's reward, customer and coupon from A */
    {"POST", "/v1/customers/{bc}/rewards/{br}/redeem", NULL, NOT_FOUND},
    {"POST", "/v1/customers/{bc}/rewards/{ar}/redeem", NULL, NOT_FOUND},
    {"GET", "/v1/customers/{bc}/coupons", NULL, NOT_FOUND},
    {"GET", "/v1/rewards/{br}", NULL, NOT_FOUND},
    {"PATCH", "/v1/rewards/{br}", "{\"enabled\":false}", NOT_FOUND},
    {"POST", "/v1/rewards/{br}/codes", "{\"count\":2}", NOT_FOUND},
    {"GET", "/v1/rewards/{br}/codes", NULL, NOT_FOUND},
    {"DELETE", "/v1/rewards/{br}", NULL, NOT_FOUND},
    {"GET", "/v1/coupons/{bq}", NULL, NOT_FOUND},
    {"POST", "/v1/coupons/{bq}/use", "{\"order_id\":\"a-order\"}", NOT_FOUND},
    {"GET", "/v1/rewards", NULL, CLEAN},
    {"POST", "/v1/rewards", "{\"name\":\"A's\",\"points_cost\":5,\"kind\":\"custom\"}", CLEAN},
    /* within A: an id B also uses is A's own customer */
    {"GET", "/v1/customers/shared", NULL, CLEAN},
    {"PUT", "/v1/customers/{bc}", "{\"name\":\"A's own\"}", CLEAN},
    {"POST", "/v1/events",
     "{\"id\":\"o-1\",\"customer_id\":\"{bc}\",\"type\":\"refund\",\"occurred_at\":"
     "\"2026-10-03T10:00:00Z\",\"amount\":\"120.00\",\"currency\":\"EUR\",\"order_id\":\"o-1\"}",
     CLEAN},
    {"DELETE", "/v1/customers/{bc}", NULL, CLEAN},
    {"POST", "/v1/surveys", "{\"name\":\"A\",\"kind\":\"csat\",\"question\":\"Happy?\"}", CLEAN},
    {"GET", "/v1/surveys", NULL, CLEAN},
    {"GET", "/v1/surveys/{bs}", NULL, NOT_FOUND},
    {"GET", "/v1/surveys/{bs}/responses", NULL, NOT_FOUND},
    {"POST", "/v1/surveys/{bs}/responses", "{\"customer_id\":\"x\",\"score\":0}", NOT_FOUND},
    {"GET", "/v1/reports/nps?survey_id={bs}", NULL, NOT_FOUND},
    {"GET", "/v1/reports/nps", NULL, CLEAN},
    {"GET", "/v1/reports/csat", NULL, CLEAN},
    {"GET", "/v1/reports/points", NULL, CLEAN},
    {"GET", "/v1/reports/retention", NULL, CLEAN},
    {"GET", "/v1/reports/cohorts?from=2026-01-01", NULL, CLEAN},
    {"GET", "/v1/reports/clv", NULL, CLEAN},
    {"GET", "/v1/reports/segments", NULL, CLEAN},
    {"GET", "/v1/reports/rfm", NULL, CLEAN},
    {"GET", "/v1/segments/promoters/customers", NULL, CLEAN},
    {"GET", "/v1/segments/key_customers/customers", NULL, CLEAN},
    {"PUT", "/v1/program",
     "{\"currency\":\"EUR\",\"points_per_unit\":2,\"tiers\":[{\"name\":\"basic\","
     "\"threshold\":0}],\"expiry_days\":365}",
     CLEAN},
    {"GET", "/v1/program", NULL, CLEAN},
    {"POST", "/v1/webhook-sources",
     "{\"kind\":\"woocommerce\",\"shop\":\"https://a.example.com\",\"secret\":\"a-woo-secret\"}",
     CLEAN},
    {"GET", "/v1/webhook-sources", NULL, CLEAN},
    {"GET", "/v1/webhook-sources/{bw}", NULL, NOT_FOUND},
    {"POST", "/v1/webhook-sources/{bw}/secrets", "{\"secret\":\"a-wants-in-too\"}", NOT_FOUND},
    {"DELETE", "/v1/webhook-sources/{bw}/secrets/{bx}", NULL, NOT_FOUND},
    {"DELETE", "/v1/webhook-sources/{bw}", NULL, NOT_FOUND},
    {"DELETE", "/v1/identity-verification/secrets/{bi}", NULL, NOT_FOUND},
    {"GET", "/v1/identity-verification", NULL, CLEAN},
    {"PUT", "/v1/identity-verification", "{\"required\":false}", CLEAN},
    {"POST", "/v1/identity-verification/secrets", NULL, CLEAN},
    /* B's webhook paths signed with A's own secret (their first secrets are equal on
     * purpose, as two shops' could be: the second each added differs) */
    {"POST", "/v1/webhooks/shopify/{bt}", "{\"id\":77,\"email\":\"a@example.com\"}", UNAUTHORIZED},
    {"POST", "/v1/webhooks/woocommerce/{bt}", "{\"id\":77}", UNAUTHORIZED},
    /* event endpoints: B's endpoint and message ids from A; A's own lists and settings */
    {"GET", "/v1/event-endpoints", NULL, CLEAN},
    {"POST", "/v1/event-endpoints", "{\"url\":\"http://127.0.0.1:9/a-too\"}", CLEAN},
    {"GET", "/v1/event-endpoints/{be}", NULL, NOT_FOUND},
    {"PATCH", "/v1/event-endpoints/{be}", "{\"enabled\":true,\"description\":\"A's\"}", NOT_FOUND},
    {"POST", "/v1/event-endpoints/{be}/secret/rotate", "{\"overlap_hours\":0}", NOT_FOUND},
    {"GET", "/v1/event-endpoints/{be}/messages", NULL, NOT_FOUND},
    {"GET", "/v1/event-endpoints/{be}/messages?status=pending", NULL, NOT_FOUND},
    {"POST", "/v1/event-endpoints/{be}/messages/{bm}/retry", NULL, NOT_FOUND},
    {"POST", "/v1/event-endpoints/{ae}/messages/{bm}/retry", NULL, NOT_FOUND},
    {"POST", "/v1/event-endpoints/{be}/replay", "{\"from\":\"2000-01-01T00:00:00Z\"}", NOT_FOUND},
    {"POST", "/v1/event-endpoints/{be}/test", NULL, NOT_FOUND},
    {"DELETE", "/v1/event-endpoints/{be}", NULL, NOT_FOUND},
    {"GET", "/v1/event-endpoints/{ae}/messages", NULL, CLEAN},
    {"POST", "/v1/event-endpoints/{ae}/replay", "{\"from\":\"2000-01-01T00:00:00Z\"}", CLEAN},
    {"GET", "/v1/event-settings", NULL, CLEAN},
    {"PUT", "/v1/event-settings", "{\"tz\":\"UTC\",\"run_at\":\"23:59\",\"expiring_days\":1}",
     CLEAN},
};

static void fill(const char *in, char *out, size_t cap)
{
	const struct {
		const char *hole, *value;
	} holes[] = {{"{bc}", "iso-b-only"}, {"{bs}", b.survey},   {"{bk}", b.key_id},
	             {"{bw}", b.source},     {"{bx}", b.secret},   {"{bt}", b.id},
	             {"{bi}", b.identity},   {"{be}", b.endpoint}, {"{bm}", b.message},
	             {"{ae}", a.endpoint},   {"{br}", b.reward},   {"{ar}", a.reward},
	             {"{bq}", b.coupon}};
	size_t o = 0;
	while (*in && o + 1 < cap) {
		bool done = false;
		for (size_t i = 0; i < sizeof(holes) / sizeof(holes[0]) && !done; i++) {
			size_t n = strlen(holes[i].hole);
			if (strncmp(in, holes[i].hole, n) == 0) {
				o += (size_t)snprintf(out + o, cap - o, "%s", holes[i].value);
				in += n;
				done = true;
			}
		}
		if (!done)
			out[o++] = *in++;
	}
	out[o] = '\0';
}

static void every_route_with_a_key_against_b_ids(void **state)
{
	(void)state;
	bool reached[256] = {false};
	static const char *const markers[] = {B_MARKERS};
	char before[40];
	snprintf(before, sizeof(before), "%s", digest_of_b());
	for (size_t s = 0; s < sizeof(walk) / sizeof(walk[0]); s++) {
		char path[512], body[1024] = "", sig_h[128], topic_h[64];
		const char *h[3] = {NULL};
		int nh = 0;
		fill(walk[s].path, path, sizeof(path));
		if (walk[s].body)
			fill(walk[s].body, body, sizeof(body));
		if (strstr(path, "/v1/webhooks/")) {
			char sig[WEBHOOK_SIG_B64_LEN + 1];
			webhook_sig_sign("Tenant A-only-second", 20, body, strlen(body), sig);
			bool shopify = strstr(path, "shopify") != NULL;
			snprintf(sig_h, sizeof(sig_h), "%s: %s",
			         shopify ? "X-Shopify-Hmac-Sha256" : "X-WC-Webhook-Signature", sig);
			snprintf(topic_h, sizeof(topic_h), "%s",
			         shopify ? "X-Shopify-Topic: customers/create"
			                 : "X-WC-Webhook-Topic: customer.created");
			h[nh++] = sig_h;
			h[nh++] = topic_h;
		}
		struct response r;
		assert_int_equal(call_as(fx.srv.port, a.key, walk[s].method, path,
		                         walk[s].body ? body : NULL, h, &r),
		                 0);
		bool ok = walk[s].expect == NOT_FOUND      ? r.status == 404
		          : walk[s].expect == UNAUTHORIZED ? r.status == 401
		                                           : r.status >= 200 && r.status < 300;
		if (!ok)
			fail_msg("%s %s: %d %s", walk[s].method, path, r.status, r.body);
		for (size_t m = 0; m < sizeof(markers) / sizeof(markers[0]); m++)
			if (strstr(r.body, markers[m]) && !(strstr(path, markers[m])))
				fail_msg("%s %s shows B's %s", walk[s].method, path, markers[m]);
		if (strstr(r.body, b.survey) || strstr(r.body, b.key_id) ||
		    strstr(r.body, b.source) || strstr(r.body, b.endpoint) ||
		    strstr(r.body, b.reward) || strstr(r.body, b.coupon) ||
		    (strstr(r.body, b.id) && !strstr(walk[s].path, "openapi")))
			fail_msg("%s %s shows one of B's ids", walk[s].method, path);
		response_free(&r);
		/* B's rows, untouched after every step */
		if (strcmp(digest_of_b(), before) != 0)
			fail_msg("%s %s changed tenant B's rows", walk[s].method, path);
		struct router_match m;
		char bare[512];
		snprintf(bare, sizeof(bare), "%.*s", (int)strcspn(walk[s].path, "?"), walk[s].path);
		if (router_match(routes, routes_count, walk[s].method, bare, &m) == ROUTER_MATCH)
			reached[m.index] = true;
	}
	for (size_t i = 0; i < routes_count; i++)
		if (!reached[i] && routes[i].auth != AUTH_ADMIN_TOKEN)
			fail_msg("the isolation walk never called %s %s", routes[i].method,
			         routes[i].pattern);
}

/* Runs sql as loyaltyd's role (SET ROLE) with loyaltyd.tenants = tenants (NULL: unset);
 * returns the first value as a number, or -1 when the statement failed. */
static long as_app(const char *tenants, const char *sql)
{
	PGconn *c = PQconnectdb(getenv("LOYALTYD_TEST_DATABASE_URL"));
	PQclear(PQexec(c, "SET ROLE loyaltyd_app"));
	if (tenants) {
		const char *p[] = {tenants};
		PQclear(PQexecParams(c, "SELECT set_config('loyaltyd.tenant', $1, false)", 1, NULL,
		                     p, NULL, NULL, 0));
	}
	PGresult *r = PQexec(c, sql);
	long v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1
	             ? strtol(PQgetvalue(r, 0, 0), NULL, 10)
	             : -1;
	PQclear(r);
	PQfinish(c);
	return v;
}

static void row_level_security_is_a_second_wall(void **state)
{
	(void)state;
	static const char *const tables[] = {"customers",
	                                     "events",
	                                     "points_ledger",
	                                     "points_accounts",
	                                     "customer_rollups",
	                                     "surveys",
	                                     "survey_responses",
	                                     "api_keys",
	                                     "loyalty_programs",
	                                     "webhook_sources",
	                                     "webhook_secrets",
	                                     "webhook_orders",
	                                     "tenants",
	                                     "customer_nps_latest",
	                                     "event_endpoints",
	                                     "event_endpoint_secrets",
	                                     "outbound_messages",
	                                     "outbound_settings",
	                                     "outbound_events",
	                                     "rewards",
	                                     "coupons"};
	char sql[256];
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		/* no tenant named: nothing at all, though the owner sees rows */
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[i]);
		assert_int_equal(as_app(NULL, sql), 0);
		assert_int_equal(as_app("", sql), 0);
	}
	assert_true(db_long("SELECT count(*) FROM customers", NULL) > 0);
	/* tenant A named: A's rows, none of B's */
	assert_true(as_app(a.id, "SELECT count(*) FROM customers") > 0);
	char q[256];
	snprintf(q, sizeof(q), "SELECT count(*) FROM customers WHERE tenant_id <> '%s'", a.id);
	assert_int_equal(as_app(a.id, q), 0);
	snprintf(q, sizeof(q), "SELECT count(*) FROM tenants WHERE id <> '%s'", a.id);
	assert_int_equal(as_app(a.id, q), 0);
	/* and no writing into B while A is named */
	snprintf(q, sizeof(q),
	         "WITH x AS (INSERT INTO customers (tenant_id, external_id) VALUES ('%s', 'sneak') "
	         "RETURNING 1) SELECT count(*) FROM x",
	         b.id);
	assert_int_equal(as_app(a.id, q), -1);
	snprintf(q, sizeof(q),
	         "WITH x AS (UPDATE customers SET name = 'hijacked' WHERE tenant_id = '%s' "
	         "RETURNING 1) SELECT count(*) FROM x",
	         b.id);
	assert_int_equal(as_app(a.id, q), 0);
	/* the role bypasses nothing */
	assert_int_equal(db_long("SELECT count(*) FROM pg_roles WHERE rolname = 'loyaltyd_app' AND "
	                         "NOT rolsuper AND NOT rolbypassrls",
	                         NULL),
	                 1);
}

static void loyaltyd_works_as_its_role(void **state)
{
	(void)state;
	PGconn *c = PQconnectdb(getenv("LOYALTYD_TEST_DATABASE_URL"));
	PGresult *r = PQexec(
	    c, "CREATE TABLE test_rls_probe (who text, tenants text);"
	       "GRANT INSERT ON test_rls_probe TO loyaltyd_app;"
	       "CREATE FUNCTION test_rls_probe() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
	       "INSERT INTO test_rls_probe VALUES (current_user, "
	       "current_setting('loyaltyd.tenant', true)); RETURN NULL; END $$;"
	       "CREATE TRIGGER test_rls_probe AFTER INSERT ON customers FOR EACH ROW WHEN "
	       "(NEW.external_id = 'rls-probe') EXECUTE FUNCTION test_rls_probe()");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	json_decref(api(&a, "PUT", "/v1/customers/rls-probe", "{}", 201));
	r = PQexec(c, "SELECT who, tenants FROM test_rls_probe");
	assert_int_equal(PQntuples(r), 1);
	assert_string_equal(PQgetvalue(r, 0, 0), "loyaltyd_app");
	assert_string_equal(PQgetvalue(r, 0, 1), a.id);
	PQclear(r);
	PQclear(PQexec(c, "DROP TRIGGER test_rls_probe ON customers; DROP FUNCTION "
	                  "test_rls_probe(); DROP TABLE test_rls_probe"));
	PQfinish(c);
}

static int setup(void **state)
{
	/* event endpoints on http://127.0.0.1 (nothing listens on port 9) */
	static const char *const env[] = {"LOYALTYD_OUTBOUND_ALLOW_PRIVATE=1", NULL};
	fixture_setup(state, &fx, env, NULL);
	tenant_with_data(&a, "Tenant A", "iso-a-only", "a@tenant-a.example", "Tenant A Person",
	                 "a-comment");
	tenant_with_data(&b, "Tenant B", "iso-b-only", "b-marker@tenant-b.example",
	                 "Tenant B Marker", "b-marker-comment");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_route_with_a_key_against_b_ids),
	    cmocka_unit_test(row_level_security_is_a_second_wall),
	    cmocka_unit_test(loyaltyd_works_as_its_role),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
