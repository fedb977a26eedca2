/* test_outbound_delivery.c - outbound events as a shop's receiver sees them: the real
 * loyaltyd (its dispatcher, libcurl) delivering to the real receiver of
 * tests/e2e/receiver.mjs, which verifies every delivery with the npm standardwebhooks
 * package. A delivery's headers and body; secret rotation with and without overlap; a
 * receiver down (503, then nobody listening) and back getting every event once per
 * webhook-id, in ledger order per customer; bad receivers (slow, hanging, redirecting, huge,
 * 500) never slowing the API; loyaltyd killed with SIGKILL mid-delivery, PostgreSQL stopped
 * during deliveries: nothing lost; an endpoint failing for days disabled, an event
 * undeliverable for days given up; two loyaltyd processes on one database never sending an
 * attempt twice.
 *
 * Black-box against the dispatcher: what is checked is what the receiver records and what
 * GET …/messages (or the outbox table) says, never how the dispatcher loops. Two shortcuts
 * through SQL, each said where it is taken: the backoff (5 s, 10 s, 20 s … between
 * attempts) is cut short by making pending messages due at once, and, where a dispatcher
 * died holding a lease longer than LOYALTYD_OUTBOUND_LEASE_S asks (a loyaltyd that does not
 * know that setting: the lease was at least 60 s), the lease is ended as its expiry would. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

/* base64 of 24 bytes each: whsec_ secrets of the Standard Webhooks format */
#define S1 "whsec_ZGVsaXYtdGVzdC1zZWNyZXQtbnVtYmVyLW9uZS0wMTI="
#define S2 "whsec_ZGVsaXYtdGVzdC1zZWNyZXQtbnVtYmVyLXR3by00NTY="
#define S3 "whsec_ZGVsaXYtdGVzdC1zZWNyZXQtbnVtYmVyLXRocmVlLTg="

/* LOYALTYD_OUTBOUND_LEASE_S: a setting loyaltyd may not know yet (unknown LOYALTYD_*
 * variables are ignored, server/base/config.c), so that a dead dispatcher's attempts are
 * made again within seconds where it does. */
static const char *const ENV[] = {
    "LOYALTYD_OUTBOUND_ALLOW_PRIVATE=1", "LOYALTYD_OUTBOUND_POLL_MS=50",
    "LOYALTYD_OUTBOUND_TIMEOUT_MS=2000", "LOYALTYD_OUTBOUND_LEASE_S=5", NULL};
/* The same with a timeout longer than a slow:3000 receiver's answer. */
static const char *const ENV_PATIENT[] = {
    "LOYALTYD_OUTBOUND_ALLOW_PRIVATE=1", "LOYALTYD_OUTBOUND_POLL_MS=50",
    "LOYALTYD_OUTBOUND_TIMEOUT_MS=10000", "LOYALTYD_OUTBOUND_LEASE_S=5", NULL};

static const char *PROGRAM =
    "{\"currency\":\"EUR\",\"points_per_unit\":1,\"expiry_days\":365,\"min_redeem\":1,"
    "\"point_value\":\"0.01\"}";

static struct fixture fx;

/* A tenant of one case, with a programme: cases never see each other's events. */
struct shop {
	char tenant[37];
	char key[64];
};

static json_t *as(const struct shop *s, const char *method, const char *path, const char *body,
                  int status)
{
	return api_json(fx.srv.port, s->key, method, path, body, status);
}

static void shop_new(struct shop *s, const char *name, size_t ncustomers, const char *prefix)
{
	create_tenant(fx.srv.port, name, s->tenant, s->key);
	json_decref(as(s, "PUT", "/v1/program", PROGRAM, 200));
	for (size_t i = 0; i < ncustomers; i++) {
		char path[96];
		snprintf(path, sizeof(path), "/v1/customers/%s%zu", prefix, i);
		json_decref(as(s, "PUT", path, "{}", 201));
	}
}

/* Registers the receiver's URL for every event type; writes the endpoint's id. */
static void endpoint_new(const struct shop *s, const struct receiver *rc, const char *secret,
                         char id[37])
{
	char body[256];
	snprintf(body, sizeof(body), "{\"url\":\"http://127.0.0.1:%d/hook\",\"secret\":\"%s\"}",
	         rc->port, secret);
	json_t *j = as(s, "POST", "/v1/event-endpoints", body, 201);
	snprintf(id, 37, "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
}

static void endpoint_delete(const struct shop *s, const char *id)
{
	char path[256];
	snprintf(path, sizeof(path), "/v1/event-endpoints/%s", id);
	json_decref(as(s, "DELETE", path, NULL, 204));
}

/* Earns points for a customer; returns the ledger entry's id. */
static long long earn(const struct shop *s, const char *customer, int points)
{
	char path[128], body[64];
	snprintf(path, sizeof(path), "/v1/customers/%s/points/earn", customer);
	snprintf(body, sizeof(body), "{\"points\":%d}", points);
	json_t *j = as(s, "POST", path, body, 201);
	long long id = json_int(j, "id");
	json_decref(j);
	return id;
}

/* POST …/test; writes the message's webhook-id. */
static void send_test(const struct shop *s, const char *endpoint, char msg[32])
{
	char path[128];
	snprintf(path, sizeof(path), "/v1/event-endpoints/%s/test", endpoint);
	json_t *j = as(s, "POST", path, NULL, 202);
	const char *id = json_string_value(json_object_get(j, "id"));
	assert_non_null(id);
	snprintf(msg, 32, "%s", id);
	json_decref(j);
}

/* Polls db_long(sql, param) until it reaches want (deadline: ms); returns the last value. */
static long wait_long(const char *sql, const char *param, long want, long ms)
{
	long deadline = now_ms() + ms, v;
	while ((v = db_long(sql, param)) < want && now_ms() < deadline)
		usleep(50000);
	if (v != want)
		fprintf(stderr, "waited %ld ms for %ld, got %ld: %s\n", ms, want, v, sql);
	return v;
}

#define DELIVERED                                                                                  \
	"SELECT count(*) FROM outbound_messages WHERE endpoint_id = $1::uuid AND "                 \
	"status = 'delivered'"

/* Cuts the backoff short: every pending message of the endpoint is due now. */
static void due_now(const char *endpoint)
{
	db_long("WITH u AS (UPDATE outbound_messages SET next_attempt_at = now() WHERE "
	        "endpoint_id = $1::uuid AND status = 'pending' RETURNING 1) SELECT count(*) FROM u",
	        endpoint);
}

/* After a dispatcher died holding leases: ends those still more than 10 s ahead, as their
 * expiry would (a loyaltyd without LOYALTYD_OUTBOUND_LEASE_S leases for at least 60 s).
 * Returns how many there were. */
static long end_long_leases(const char *endpoint)
{
	return db_long("WITH u AS (UPDATE outbound_messages SET leased_until = now() WHERE "
	               "endpoint_id = $1::uuid AND status = 'pending' AND leased_until > now() + "
	               "interval '10 seconds' RETURNING 1) SELECT count(*) FROM u",
	               endpoint);
}

/* The receiver's record of the delivery with webhook-id id (the last one), or NULL. */
static json_t *record_of(json_t *records, const char *id)
{
	size_t i;
	json_t *r, *found = NULL;
	json_array_foreach (records, i, r)
		if (json_string_value(json_object_get(r, "id")) &&
		    strcmp(json_string_value(json_object_get(r, "id")), id) == 0)
			found = r;
	return found;
}

/* The endpoint's messages as GET …/messages shows them (a new reference). */
static json_t *messages(const struct shop *s, const char *endpoint)
{
	char path[160];
	snprintf(path, sizeof(path), "/v1/event-endpoints/%s/messages?limit=100", endpoint);
	json_t *j = as(s, "GET", path, NULL, 200);
	json_t *data = json_incref(json_object_get(j, "data"));
	json_decref(j);
	return data;
}

/* Waits (up to 30 s) until a message of the endpoint shows last_error words; with words
 * NULL, until one is delivered with last_status 200. Returns 1 when it did. */
static int wait_message(const struct shop *s, const char *endpoint, const char *words)
{
	long deadline = now_ms() + 30000;
	do {
		json_t *data = messages(s, endpoint), *m;
		size_t i;
		int seen = 0;
		json_array_foreach (data, i, m) {
			const char *e = json_string_value(json_object_get(m, "last_error"));
			if (words ? (e && strcmp(e, words) == 0)
			          : (strcmp(json_string_value(json_object_get(m, "status")),
			                    "delivered") == 0 &&
			             json_int(m, "last_status") == 200 && !e))
				seen = 1;
		}
		json_decref(data);
		if (seen)
			return 1;
		usleep(100000);
	} while (now_ms() < deadline);
	fprintf(stderr, "no message of %s showed %s within 30 s\n", endpoint,
	        words ? words : "a delivery with HTTP 200");
	return 0;
}

static int setup(void **state)
{
	fixture_setup(state, &fx, ENV, NULL);
	return 0;
}

/* a. One points.earned as the receiver sees it, and as GET …/messages shows it. */
static void delivery_as_a_receiver_sees_it(void **state)
{
	(void)state;
	struct shop s;
	struct receiver rc;
	char ep[37];
	shop_new(&s, "Delivery A", 1, "alice");
	receiver_start(&rc, 0, "[\"" S1 "\"]", NULL);
	endpoint_new(&s, &rc, S1, ep);
	long long entry = earn(&s, "alice0", 42);
	assert_int_equal(wait_long(DELIVERED, ep, 1, 20000), 1);

	json_t *data = messages(&s, ep);
	assert_int_equal(json_array_size(data), 1);
	json_t *m = json_array_get(data, 0);
	const char *id = json_string_value(json_object_get(m, "id"));
	assert_non_null(id);
	assert_int_equal(strncmp(id, "msg_", 4), 0);
	assert_string_equal(json_string_value(json_object_get(m, "status")), "delivered");
	assert_int_equal(json_int(m, "attempts"), 1);
	assert_int_equal(json_int(m, "last_status"), 204);
	assert_true(json_is_null(json_object_get(m, "last_error")));

	json_t *records = receiver_records(&rc);
	assert_int_equal(json_array_size(records), 1);
	json_t *r = json_array_get(records, 0);
	assert_true(json_is_true(json_object_get(r, "verified")));
	assert_string_equal(json_string_value(json_object_get(r, "id")), id);
	assert_string_equal(json_string_value(json_object_get(r, "content_type")),
	                    "application/json");
	long long ts = strtoll(json_string_value(json_object_get(r, "timestamp")), NULL, 10);
	assert_true(llabs(ts - (long long)time(NULL)) <= 10);
	json_t *body = json_object_get(r, "body");
	assert_int_equal(json_object_size(body), 3);
	assert_string_equal(json_string_value(json_object_get(body, "type")), "points.earned");
	assert_true(json_is_string(json_object_get(body, "timestamp")));
	json_t *d = json_object_get(body, "data");
	assert_string_equal(json_string_value(json_object_get(d, "customer_id")), "alice0");
	assert_int_equal(json_int(d, "id"), entry);
	assert_int_equal(json_int(d, "points"), 42);
	assert_string_equal(json_string_value(json_object_get(d, "kind")), "earn");
	/* the event GET …/messages shows is the body that was signed and sent */
	assert_true(json_equal(json_object_get(m, "event"), body));
	json_decref(records);
	json_decref(data);
	endpoint_delete(&s, ep);
	receiver_stop(&rc);
}

/* Sends a test event and waits until it is settled as want ("delivered", or "pending" with
 * last_status 401); returns the receiver's record of its last attempt (a new reference). */
static json_t *test_event(const struct shop *s, const struct receiver *rc, const char *ep,
                          const char *want)
{
	char msg[32], sql[256];
	send_test(s, ep, msg);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM outbound_messages WHERE id = %lld AND %s",
	         strtoll(msg + 4, NULL, 10),
	         strcmp(want, "delivered") == 0
	             ? "status = 'delivered'"
	             : "status = 'pending' AND last_status = 401 AND last_error = 'HTTP 401'");
	assert_int_equal(wait_long(sql, NULL, 1, 20000), 1);
	json_t *records = receiver_records(rc);
	json_t *r = json_incref(record_of(records, msg));
	json_decref(records);
	assert_non_null(r);
	return r;
}

/* b. Rotation: with an overlap both secrets sign; without, the old one stops at once. */
static void secret_rotation_with_and_without_overlap(void **state)
{
	(void)state;
	struct shop s;
	struct receiver rc;
	char ep[37], path[160];
	shop_new(&s, "Delivery B", 0, "");
	receiver_start(&rc, 0, "[\"" S1 "\"]", NULL);
	endpoint_new(&s, &rc, S1, ep);
	json_t *r = test_event(&s, &rc, ep, "delivered");
	assert_true(json_is_true(json_object_get(r, "verified")));
	json_decref(r);

	snprintf(path, sizeof(path), "/v1/event-endpoints/%s/secret/rotate", ep);
	json_decref(as(&s, "POST", path, "{\"overlap_hours\":1,\"secret\":\"" S2 "\"}", 200));
	receiver_secrets(&rc, "[\"" S1 "\"]"); /* a receiver that knows only the old one */
	r = test_event(&s, &rc, ep, "delivered");
	assert_true(json_is_true(json_object_get(r, "verified")));
	json_decref(r);
	receiver_secrets(&rc, "[\"" S2 "\"]"); /* one that knows only the new one */
	r = test_event(&s, &rc, ep, "delivered");
	assert_true(json_is_true(json_object_get(r, "verified")));
	json_decref(r);

	json_decref(as(&s, "POST", path, "{\"overlap_hours\":0,\"secret\":\"" S3 "\"}", 200));
	/* S2 is the old one now, without overlap: the receiver knowing only it refuses (401) */
	r = test_event(&s, &rc, ep, "pending");
	assert_true(json_is_false(json_object_get(r, "verified")));
	assert_non_null(json_string_value(json_object_get(r, "error")));
	json_decref(r);
	/* once it knows S3 the retry is delivered (the backoff cut short) */
	receiver_secrets(&rc, "[\"" S3 "\"]");
	due_now(ep);
	assert_int_equal(wait_long(DELIVERED, ep, 4, 20000), 4);
	endpoint_delete(&s, ep);
	receiver_stop(&rc);
}

/* c. A receiver answering 503, then not listening at all, then back: every event once per
 * webhook-id (repeats only with the same one), per customer in ledger order. */
static void receiver_down_then_back_gets_everything_in_order(void **state)
{
	(void)state;
	struct shop s;
	struct receiver rc;
	char ep[37], out[256];
	const char *customers[] = {"down0", "down1", "down2"};
	shop_new(&s, "Delivery C", 3, "down");
	receiver_start(&rc, 0, "[\"" S1 "\"]", NULL);
	snprintf(out, sizeof(out), "%s", rc.out);
	receiver_mode(&rc, "status:503");
	endpoint_new(&s, &rc, S1, ep);
	for (int i = 0; i < 10; i++)
		for (int c = 0; c < 3; c++)
			earn(&s, customers[c], 10 + i);
	/* each customer's oldest message was tried and got the 503 */
	assert_int_equal(wait_long("SELECT count(*) FROM outbound_messages WHERE endpoint_id = "
	                           "$1::uuid AND status = 'pending' AND last_status = 503 AND "
	                           "last_error = 'HTTP 503'",
	                           ep, 3, 20000),
	                 3);

	/* nobody listens on the port */
	receiver_stop(&rc);
	for (int i = 10; i < 20; i++)
		for (int c = 0; c < 3; c++)
			earn(&s, customers[c], 10 + i);
	due_now(ep); /* the backoff cut short: the next attempts are now */
	assert_int_equal(wait_long("SELECT count(*) FROM outbound_messages WHERE endpoint_id = "
	                           "$1::uuid AND status = 'pending' AND last_error = 'connection "
	                           "refused'",
	                           ep, 3, 20000),
	                 3);

	/* back, answering 204: the backoff cut short again rather than waiting minutes */
	receiver_start(&rc, rc.port, "[\"" S1 "\"]", out);
	due_now(ep);
	assert_int_equal(wait_long(DELIVERED, ep, 60, 60000), 60);
	assert_int_equal(db_long("SELECT count(*) FROM outbound_messages WHERE endpoint_id = "
	                         "$1::uuid AND type = 'points.earned'",
	                         ep),
	                 60);

	json_t *records = receiver_records(&rc), *r;
	json_t *id_of_entry = json_object(), *entry_of_id = json_object(), *ok_ids = json_object();
	long long last[3] = {0, 0, 0};
	char last_id[3][32] = {"", "", ""};
	size_t i;
	json_array_foreach (records, i, r) {
		const char *id = json_string_value(json_object_get(r, "id"));
		json_t *d = json_object_get(json_object_get(r, "body"), "data");
		const char *cust = json_string_value(json_object_get(d, "customer_id"));
		long long entry = json_int(d, "id");
		char key[32];
		assert_non_null(id);
		assert_non_null(cust);
		assert_true(json_is_true(json_object_get(r, "verified")));
		assert_string_equal(json_string_value(json_object_get(r, "type")), "points.earned");
		/* one webhook-id, one ledger entry, both ways */
		snprintf(key, sizeof(key), "%lld", entry);
		json_t *had = json_object_get(id_of_entry, key);
		if (had)
			assert_string_equal(json_string_value(had), id);
		json_object_set_new(id_of_entry, key, json_string(id));
		had = json_object_get(entry_of_id, id);
		if (had)
			assert_int_equal(json_integer_value(had), entry);
		json_object_set_new(entry_of_id, id, json_integer(entry));
		/* per customer in ledger order; the same entry again only as the same webhook-id */
		int c = cust[4] - '0';
		assert_true(c >= 0 && c < 3);
		if (entry < last[c])
			fail_msg("%s: entry %lld after %lld", cust, entry, last[c]);
		if (entry == last[c])
			assert_string_equal(id, last_id[c]);
		last[c] = entry;
		snprintf(last_id[c], sizeof(last_id[c]), "%s", id);
		if (strcmp(json_string_value(json_object_get(r, "mode")), "ok") == 0)
			json_object_set_new(ok_ids, id, json_true());
	}
	assert_int_equal(json_object_size(ok_ids), 60); /* none lost */
	assert_int_equal(json_object_size(entry_of_id), 60);
	json_decref(id_of_entry);
	json_decref(entry_of_id);
	json_decref(ok_ids);
	json_decref(records);
	endpoint_delete(&s, ep);
	receiver_stop(&rc);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* The 95th percentile (ms) of 50 POST /v1/events (orders, which earn) and of 50 earns. */
static void api_p95(const struct shop *s, const char *tag, long *events_p95, long *earns_p95)
{
	long ev[50], ea[50];
	char body[320], at[32];
	time_ago(0.001, at);
	for (int i = 0; i < 50; i++) {
		snprintf(body, sizeof(body),
		         "{\"id\":\"%s-%d\",\"customer_id\":\"slow0\",\"type\":\"order\","
		         "\"occurred_at\":\"%s\",\"amount\":\"12.00\",\"currency\":\"EUR\","
		         "\"order_id\":\"%s-o%d\"}",
		         tag, i, at, tag, i);
		long t0 = now_ms();
		json_decref(as(s, "POST", "/v1/events", body, 200));
		ev[i] = now_ms() - t0;
		t0 = now_ms();
		earn(s, "slow1", 5);
		ea[i] = now_ms() - t0;
	}
	qsort(ev, 50, sizeof(long), cmp_long);
	qsort(ea, 50, sizeof(long), cmp_long);
	*events_p95 = ev[47];
	*earns_p95 = ea[47];
}

/* d. Receivers that are slow, hang, redirect, answer 20 MB or 500 never slow the API. The
 * bound: each misbehaviour, were it on the API's path, would cost a request a whole
 * delivery (2 s here: LOYALTYD_OUTBOUND_TIMEOUT_MS, 5 s for slow:5000); the API's p95 under
 * ASan on a loaded 2-core machine is a few ms to a few tens. 150 ms is far from both. */
static void bad_receivers_never_slow_the_api(void **state)
{
	(void)state;
	static const char *const modes[] = {"slow:5000", "hang", "redirect", "huge", "status:500"};
	static const char *const words[] = {"timeout after 2 s", "timeout after 2 s",
	                                    "redirect refused (HTTP 302)", NULL, "HTTP 500"};
	struct shop s;
	struct receiver rc[5];
	char ep[5][37];
	long base_ev, base_ea, bad_ev, bad_ea;
	shop_new(&s, "Delivery D", 2, "slow");
	api_p95(&s, "base", &base_ev, &base_ea); /* no endpoint yet */
	for (int i = 0; i < 5; i++) {
		receiver_start(&rc[i], 0, "[\"" S1 "\"]", NULL);
		receiver_mode(&rc[i], modes[i]);
		endpoint_new(&s, &rc[i], S1, ep[i]);
	}
	api_p95(&s, "bad", &bad_ev, &bad_ea);
	fprintf(stderr,
	        "p95 without endpoints: events %ld ms, earns %ld ms; with 5 bad receivers: "
	        "events %ld ms, earns %ld ms\n",
	        base_ev, base_ea, bad_ev, bad_ea);
	assert_true(bad_ev < 150);
	assert_true(bad_ea < 150);
	for (int i = 0; i < 5; i++)
		assert_true(wait_message(&s, ep[i], words[i]));
	for (int i = 0; i < 5; i++) {
		endpoint_delete(&s, ep[i]);
		receiver_stop(&rc[i]);
	}
}

/* e. loyaltyd killed with SIGKILL while deliveries are in flight, restarted: every message
 * delivered, none lost (the same webhook-ids sent again are allowed). */
static void sigkill_mid_delivery_loses_nothing(void **state)
{
	(void)state;
	struct shop s;
	struct receiver rc;
	char ep[37], ids[512], customer[16];
	shop_new(&s, "Delivery E", 10, "kill");
	receiver_start(&rc, 0, "[\"" S1 "\"]", NULL);
	receiver_mode(&rc, "slow:3000");
	/* a server whose deliveries outlast the receiver's 3 s */
	assert_int_equal(server_stop(&fx.srv), 0);
	server_start(&fx.srv, ENV_PATIENT);
	endpoint_new(&s, &rc, S1, ep);
	for (int i = 0; i < 10; i++) {
		snprintf(customer, sizeof(customer), "kill%d", i);
		earn(&s, customer, 7);
	}
	/* the receiver saw every delivery start (none is answered before 3 s) */
	long deadline = now_ms() + 30000;
	size_t seen = 0;
	while (seen < 10 && now_ms() < deadline) {
		json_t *records = receiver_records(&rc);
		seen = json_array_size(records);
		json_decref(records);
		if (seen < 10)
			usleep(50000);
	}
	assert_int_equal(seen, 10);
	kill(fx.srv.pid, SIGKILL);
	waitpid(fx.srv.pid, NULL, 0);
	server_forget(&fx.srv);
	/* some were in flight: not settled */
	long unsettled = db_long("SELECT count(*) FROM outbound_messages WHERE endpoint_id = "
	                         "$1::uuid AND status = 'pending'",
	                         ep);
	assert_true(unsettled >= 1);
	receiver_mode(&rc, "ok");
	server_start(&fx.srv, ENV);
	fprintf(stderr, "%ld unsettled at the kill; %ld leases ended by SQL\n", unsettled,
	        end_long_leases(ep));
	assert_int_equal(wait_long(DELIVERED, ep, 10, 30000), 10);
	db_text("SELECT string_agg('msg_' || id, ',' ORDER BY id) FROM outbound_messages WHERE "
	        "endpoint_id = $1::uuid",
	        ep, ids, sizeof(ids));
	json_t *records = receiver_records(&rc);
	size_t n = 0;
	for (char *save = NULL, *id = strtok_r(ids, ",", &save); id;
	     id = strtok_r(NULL, ",", &save), n++) {
		json_t *r = record_of(records, id);
		assert_non_null(r);
		assert_true(json_is_true(json_object_get(r, "verified")));
	}
	assert_int_equal(n, 10);
	json_decref(records);
	endpoint_delete(&s, ep);
	receiver_stop(&rc);
}

/* f. PostgreSQL stopped while deliveries are in flight, then started: every message
 * delivered, none lost; /healthz answers meanwhile. */
static void postgres_stopped_during_deliveries_loses_nothing(void **state)
{
	(void)state;
	struct shop s;
	struct receiver rc;
	char ep[37], customer[16];
	shop_new(&s, "Delivery F", 10, "pg");
	receiver_start(&rc, 0, "[\"" S1 "\"]", NULL);
	receiver_mode(&rc, "slow:1000");
	endpoint_new(&s, &rc, S1, ep);
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < 10; i++) {
			snprintf(customer, sizeof(customer), "pg%d", i);
			earn(&s, customer, 3 + k);
		}
	long deadline = now_ms() + 20000;
	size_t seen = 0;
	while (seen == 0 && now_ms() < deadline) {
		json_t *records = receiver_records(&rc);
		seen = json_array_size(records);
		json_decref(records);
		if (seen == 0)
			usleep(20000);
	}
	assert_true(seen > 0);
	assert_int_equal(pg_ctl_action("stop fast"), 0);
	/* down for 3 s: the deliveries in flight end meanwhile and cannot be settled */
	long until = now_ms() + 3000;
	while (now_ms() < until) {
		struct response r;
		assert_int_equal(http(fx.srv.port, "GET", "/healthz", NULL, NULL, &r), 0);
		assert_int_equal(r.status, 200);
		response_free(&r);
		usleep(250000);
	}
	assert_int_equal(pg_ctl_action("start"), 0);
	receiver_mode(&rc, "ok");
	fprintf(stderr, "%ld leases ended by SQL\n", end_long_leases(ep));
	due_now(ep);
	assert_int_equal(wait_long(DELIVERED, ep, 20, 60000), 20);
	assert_int_equal(db_long("SELECT count(*) FROM outbound_messages WHERE endpoint_id = "
	                         "$1::uuid",
	                         ep),
	                 20);
	/* every one reached the receiver, verified */
	json_t *records = receiver_records(&rc), *r, *ids = json_object();
	size_t i;
	json_array_foreach (records, i, r) {
		assert_true(json_is_true(json_object_get(r, "verified")));
		json_object_set_new(ids, json_string_value(json_object_get(r, "id")), json_true());
	}
	assert_int_equal(json_object_size(ids), 20);
	json_decref(ids);
	json_decref(records);
	endpoint_delete(&s, ep);
	receiver_stop(&rc);
}

/* g. An endpoint failing for 6 days (more than LOYALTYD_OUTBOUND_DISABLE_HOURS, 120) is
 * disabled at its next failure, saying why; a message 4 days old (more than
 * LOYALTYD_OUTBOUND_GIVE_UP_HOURS, 72) is failed at its next failure. */
static void failing_endpoint_disabled_old_message_given_up(void **state)
{
	(void)state;
	struct shop s;
	struct receiver rc;
	char ep[37], ep2[37], msg[32], path[128], sql[512];
	shop_new(&s, "Delivery G", 0, "");
	receiver_start(&rc, 0, "[\"" S1 "\"]", NULL);
	receiver_mode(&rc, "status:500");
	endpoint_new(&s, &rc, S1, ep);
	assert_int_equal(db_long("WITH u AS (UPDATE event_endpoints SET failing_since = now() - "
	                         "interval '6 days' WHERE id = $1::uuid RETURNING 1) SELECT "
	                         "count(*) FROM u",
	                         ep),
	                 1);
	send_test(&s, ep, msg);
	snprintf(path, sizeof(path), "/v1/event-endpoints/%s", ep);
	long deadline = now_ms() + 20000;
	json_t *e = NULL;
	do {
		json_decref(e);
		e = as(&s, "GET", path, NULL, 200);
		if (json_is_false(json_object_get(e, "enabled")))
			break;
		usleep(50000);
	} while (now_ms() < deadline);
	assert_true(json_is_false(json_object_get(e, "enabled")));
	const char *why = json_string_value(json_object_get(e, "disabled_reason"));
	assert_non_null(why);
	fprintf(stderr, "disabled_reason: %s\n", why);
	assert_int_equal(strncmp(why, "disabled by loyaltyd: every delivery failed since ", 50), 0);
	assert_non_null(strstr(why, "(last: HTTP 500)"));
	json_decref(e);

	/* give-up: an event written 4 days ago, to an endpoint that is not disabled */
	endpoint_new(&s, &rc, S1, ep2);
	snprintf(sql, sizeof(sql),
	         "WITH i AS (INSERT INTO outbound_messages (tenant_id, endpoint_id, type, body, "
	         "created_at) VALUES ('%s', $1::uuid, 'points.earned', outbound_body("
	         "'points.earned', now() - interval '4 days', '{\"customer_id\":\"old\"}'), now() "
	         "- interval '4 days') RETURNING id) SELECT id FROM i",
	         s.tenant);
	long old = db_long(sql, ep2);
	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM outbound_messages WHERE id = %ld AND status = 'failed' AND "
	         "attempts = 1 AND last_status = 500 AND last_error = 'HTTP 500'",
	         old);
	assert_int_equal(wait_long(sql, NULL, 1, 20000), 1);
	json_t *data = messages(&s, ep2);
	assert_int_equal(json_array_size(data), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(data, 0), "status")),
	                    "failed");
	json_decref(data);
	snprintf(path, sizeof(path), "/v1/event-endpoints/%s", ep2);
	e = as(&s, "GET", path, NULL, 200);
	assert_true(json_is_true(json_object_get(e, "enabled"))); /* failing for seconds only */
	json_decref(e);
	endpoint_delete(&s, ep);
	endpoint_delete(&s, ep2);
	receiver_stop(&rc);
}

/* h. Two loyaltyd processes on one database deliver 200 messages, none twice. */
static void two_processes_never_deliver_twice(void **state)
{
	(void)state;
	struct shop s;
	struct receiver rc;
	struct server second;
	char ep[37], sql[512];
	shop_new(&s, "Delivery H", 0, "");
	server_start(&second, ENV);
	receiver_start(&rc, 0, "[\"" S1 "\"]", NULL);
	endpoint_new(&s, &rc, S1, ep);
	/* 200 at once (one INSERT), so that both dispatchers find work at the same moment */
	snprintf(sql, sizeof(sql),
	         "WITH i AS (INSERT INTO outbound_messages (tenant_id, endpoint_id, type, body) "
	         "SELECT '%s', $1::uuid, 'points.earned', outbound_body('points.earned', now(), "
	         "jsonb_build_object('customer_id', 'two' || g)) FROM generate_series(1, 200) g "
	         "RETURNING 1) SELECT count(*) FROM i",
	         s.tenant);
	assert_int_equal(db_long(sql, ep), 200);
	assert_int_equal(wait_long(DELIVERED, ep, 200, 60000), 200);
	json_t *records = receiver_records(&rc), *r, *ids = json_object();
	size_t i;
	json_array_foreach (records, i, r) {
		const char *id = json_string_value(json_object_get(r, "id"));
		assert_true(json_is_true(json_object_get(r, "verified")));
		if (json_object_get(ids, id))
			fail_msg("%s delivered twice", id);
		json_object_set_new(ids, id, json_true());
	}
	assert_int_equal(json_object_size(ids), 200);
	json_decref(ids);
	json_decref(records);
	assert_int_equal(server_stop(&second), 0);
	endpoint_delete(&s, ep);
	receiver_stop(&rc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(delivery_as_a_receiver_sees_it),
	    cmocka_unit_test(secret_rotation_with_and_without_overlap),
	    cmocka_unit_test(receiver_down_then_back_gets_everything_in_order),
	    cmocka_unit_test(bad_receivers_never_slow_the_api),
	    cmocka_unit_test(sigkill_mid_delivery_loses_nothing),
	    cmocka_unit_test(postgres_stopped_during_deliveries_loses_nothing),
	    cmocka_unit_test(failing_endpoint_disabled_old_message_given_up),
	    cmocka_unit_test(two_processes_never_deliver_twice),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
