/* test_event_endpoints.c - the event endpoints API (/v1/event-endpoints, /v1/event-settings)
 * against the real server and database: create with its defaults and the secret shown
 * once, list, get, patch, delete (its messages go too), secret rotation with an overlap,
 * the outbox the triggers write (points.earned per subscribed endpoint only, survey.answered
 * with its category, erasure removing a customer's messages and writing customer.erased, no
 * message at all for a tenant without endpoints), the message list (status filter, cursor
 * pages), retry, replay, the test event, the settings, and bad input answered 422 naming
 * the field and changing nothing. A second server without LOYALTYD_OUTBOUND_ALLOW_PRIVATE
 * refuses http and URLs whose host is or resolves to a loopback, private or link-local
 * address. Delivery itself is the dispatcher's (not tested here). */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static struct fixture fx;   /* LOYALTYD_OUTBOUND_ALLOW_PRIVATE=1: http://127.0.0.1 URLs */
static struct fixture ssrf; /* the default: https and public addresses only */

#define URL "http://127.0.0.1:9/hook"
#define SECRET_A "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" /* 24 bytes */
#define SECRET_B "whsec_C2FOyKi5lbFmaYFv1wZuu6F1eL3Bwa5P"

static json_t *call(const char *method, const char *path, const char *body, int status)
{
	return api_json(fx.srv.port, fx.key, method, path, body, status);
}

/* Creates an endpoint from body; writes its id. */
static void create(const char *body, char id[37])
{
	json_t *j = call("POST", "/v1/event-endpoints", body, 201);
	snprintf(id, 37, "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
}

static const char *ep_path(char *buf, size_t cap, const char *id, const char *suffix)
{
	snprintf(buf, cap, "/v1/event-endpoints/%s%s", id, suffix);
	return buf;
}

/* The messages of endpoint id of type type (NULL: any). */
static long messages(const char *id, const char *type)
{
	char sql[200];
	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM outbound_messages WHERE endpoint_id = $1::uuid%s%s%s",
	         type ? " AND type = '" : "", type ? type : "", type ? "'" : "");
	return db_long(sql, id);
}

/* A number that changes when any endpoint, secret, message or setting of tenant changes. */
static long digest(const char *tenant)
{
	return db_long(
	    "SELECT coalesce(('x' || substr(md5(string_agg(t, '|' ORDER BY t)), 1, 15))::bit(60)"
	    "::bigint, 0) FROM (SELECT e::text FROM event_endpoints e WHERE tenant_id = $1::uuid "
	    "UNION ALL SELECT s::text FROM event_endpoint_secrets s WHERE tenant_id = $1::uuid "
	    "UNION ALL SELECT m::text FROM outbound_messages m WHERE tenant_id = $1::uuid "
	    "UNION ALL SELECT o::text FROM outbound_settings o WHERE tenant_id = $1::uuid) x(t)",
	    tenant);
}

static bool secret_shape_ok(const char *s)
{
	regex_t re;
	assert_int_equal(regcomp(&re, "^whsec_[A-Za-z0-9+/]{32}$", REG_EXTENDED | REG_NOSUB), 0);
	bool ok = s && regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

static void create_shows_defaults_and_the_secret_once(void **state)
{
	(void)state;
	struct response r;
	char path[128], location[128];
	static const char *const volatile_members[] = {"id",         "secrets", "created_at",
	                                               "updated_at", "secret",  NULL};
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/event-endpoints",
	                         "{\"url\":\"" URL "\"}", NULL, &r),
	                 0);
	assert_int_equal(r.status, 201);
	json_t *j = response_json(&r);
	const char *id = json_string_value(json_object_get(j, "id"));
	const char *secret = json_string_value(json_object_get(j, "secret"));
	assert_true(secret_shape_ok(secret));
	snprintf(location, sizeof(location), "/v1/event-endpoints/%s", id);
	assert_string_equal(response_header(&r, "Location"), location);
	assert_true(response_json_equal(
	    &r,
	    "{\"url\":\"" URL "\",\"event_types\":null,\"enabled\":true,\"description\":\"\","
	    "\"disabled_reason\":null,\"failing_since\":null}",
	    volatile_members));
	json_t *secrets = json_object_get(j, "secrets");
	assert_int_equal(json_array_size(secrets), 1);
	assert_true(json_is_null(json_object_get(json_array_get(secrets, 0), "expires_at")));
	assert_int_equal(
	    strlen(json_string_value(json_object_get(json_array_get(secrets, 0), "fingerprint"))),
	    12);
	/* the secret is the one signing, and never shown again */
	assert_int_equal(
	    db_long("SELECT count(*) FROM event_endpoint_secrets WHERE secret = $1", secret), 1);
	json_t *got = call("GET", ep_path(path, sizeof(path), id, ""), NULL, 200);
	json_object_del(j, "secret");
	assert_true(json_equal(got, j));
	char *text = json_dumps(got, 0);
	assert_null(strstr(text, "whsec_"));
	free(text);
	json_decref(got);
	got = call("GET", "/v1/event-endpoints", NULL, 200);
	assert_true(json_is_null(json_object_get(got, "next_cursor")));
	bool listed = false;
	size_t i;
	json_t *e;
	json_array_foreach (json_object_get(got, "data"), i, e) {
		assert_null(json_object_get(e, "secret"));
		if (json_equal(e, j))
			listed = true;
	}
	assert_true(listed);
	json_decref(got);
	json_decref(j);
	response_free(&r);

	/* every member given, the secret too */
	j = call("POST", "/v1/event-endpoints",
	         "{\"url\":\"" URL "\",\"event_types\":[\"points.earned\",\"tier.changed\"],"
	         "\"enabled\":false,\"description\":\"CRM\",\"secret\":\"" SECRET_A "\"}",
	         201);
	assert_string_equal(json_string_value(json_object_get(j, "secret")), SECRET_A);
	assert_true(json_matches(json_object_get(j, "event_types"),
	                         "[\"points.earned\",\"tier.changed\"]"));
	assert_true(json_is_false(json_object_get(j, "enabled")));
	assert_string_equal(json_string_value(json_object_get(j, "description")), "CRM");
	json_decref(j);
	/* unknown ids */
	json_decref(
	    call("GET", "/v1/event-endpoints/00000000-0000-0000-0000-000000000000", NULL, 404));
	json_decref(call("GET", "/v1/event-endpoints/not-a-uuid", NULL, 404));
}

static void patch_changes_what_it_names(void **state)
{
	(void)state;
	char id[37], path[128];
	create("{\"url\":\"" URL "\"}", id);
	ep_path(path, sizeof(path), id, "");
	json_t *j = call("PATCH", path, "{\"url\":\"http://127.0.0.1:9/other\"}", 200);
	assert_string_equal(json_string_value(json_object_get(j, "url")),
	                    "http://127.0.0.1:9/other");
	assert_true(json_is_null(json_object_get(j, "event_types")));
	json_decref(j);
	j = call("PATCH", path, "{\"event_types\":[\"survey.answered\"]}", 200);
	assert_true(json_matches(json_object_get(j, "event_types"), "[\"survey.answered\"]"));
	assert_string_equal(json_string_value(json_object_get(j, "url")),
	                    "http://127.0.0.1:9/other");
	json_decref(j);
	j = call("PATCH", path, "{\"description\":\"helpdesk\"}", 200);
	assert_string_equal(json_string_value(json_object_get(j, "description")), "helpdesk");
	assert_true(json_matches(json_object_get(j, "event_types"), "[\"survey.answered\"]"));
	json_decref(j);
	j = call("PATCH", path, "{\"event_types\":null}", 200);
	assert_true(json_is_null(json_object_get(j, "event_types")));
	json_decref(j);
	j = call("PATCH", path, "{\"enabled\":false}", 200);
	assert_true(json_is_false(json_object_get(j, "enabled")));
	json_decref(j);
	/* loyaltyd disabled it after days of failures: enabling clears the reason */
	assert_int_equal(
	    db_long("WITH x AS (UPDATE event_endpoints SET disabled_reason = 'disabled "
	            "by loyaltyd: every delivery failed', failing_since = now() - "
	            "interval '5 days' WHERE id = $1::uuid RETURNING 1) "
	            "SELECT count(*) FROM x",
	            id),
	    1);
	j = call("GET", path, NULL, 200);
	assert_string_equal(json_string_value(json_object_get(j, "disabled_reason")),
	                    "disabled by loyaltyd: every delivery failed");
	assert_true(json_is_string(json_object_get(j, "failing_since")));
	json_decref(j);
	j = call("PATCH", path, "{\"description\":\"still off\"}", 200);
	assert_true(json_is_string(json_object_get(j, "disabled_reason")));
	json_decref(j);
	j = call("PATCH", path, "{\"enabled\":true}", 200);
	assert_true(json_is_true(json_object_get(j, "enabled")));
	assert_true(json_is_null(json_object_get(j, "disabled_reason")));
	assert_true(json_is_null(json_object_get(j, "failing_since")));
	assert_string_equal(json_string_value(json_object_get(j, "description")), "still off");
	json_decref(j);
	json_decref(call("PATCH", "/v1/event-endpoints/00000000-0000-0000-0000-000000000000",
	                 "{\"enabled\":true}", 404));
}

struct bad {
	const char *body, *pointer, *message;
};

static void bad_input_is_422_naming_the_field(void **state)
{
	(void)state;
	char id[37], path[128], many[1200], long_url[2200], long_desc[600];
	create("{\"url\":\"" URL "\"}", id);
	int n = snprintf(many, sizeof(many), "{\"url\":\"" URL "\",\"event_types\":[");
	for (int i = 0; i < 33; i++)
		n += snprintf(many + n, sizeof(many) - (size_t)n, "%s\"points.earned\"",
		              i ? "," : "");
	snprintf(many + n, sizeof(many) - (size_t)n, "]}");
	n = snprintf(long_url, sizeof(long_url), "{\"url\":\"http://127.0.0.1:9/");
	while (n < 2048 + 10)
		long_url[n++] = 'a';
	snprintf(long_url + n, sizeof(long_url) - (size_t)n, "\"}");
	n = snprintf(long_desc, sizeof(long_desc), "{\"url\":\"" URL "\",\"description\":\"");
	for (int i = 0; i < 501; i++)
		long_desc[n++] = 'd';
	snprintf(long_desc + n, sizeof(long_desc) - (size_t)n, "\"}");
	const struct bad post[] = {
	    {"{\"url\":\"" URL "\",\"event_types\":[\"points.lost\"]}", "/event_types/0",
	     "is not an event type (docs/events.md lists them)"},
	    {"{\"url\":\"" URL "\",\"event_types\":[\"endpoint.test\"]}", "/event_types/0",
	     "is not an event type (docs/events.md lists them)"},
	    {"{\"url\":\"" URL "\",\"event_types\":[\"points.earned\",\"points.earned\"]}",
	     "/event_types/1", "is named twice"},
	    {"{\"url\":\"" URL "\",\"event_types\":[1,\"points.earned\"]}", "/event_types/0",
	     "is not an event type (docs/events.md lists them)"},
	    {"{\"url\":\"" URL "\",\"event_types\":[]}", "/event_types",
	     "must be an array of 1 to 32 event types, or null for every type"},
	    {"{\"url\":\"" URL "\",\"event_types\":\"points.earned\"}", "/event_types",
	     "must be an array of 1 to 32 event types, or null for every type"},
	    {many, "/event_types",
	     "must be an array of 1 to 32 event types, or null for every type"},
	    {"{\"url\":\"" URL "\",\"enabled\":\"yes\"}", "/enabled", "must be true or false"},
	    {long_desc, "/description", "must be 0 to 500 characters long"},
	    {"{\"url\":\"" URL "\",\"secret\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0\"}", "/secret",
	     "must start with whsec_"},
	    {"{\"url\":\"" URL "\",\"secret\":\"whsec_!!!!c2VjcmV0LXNlY3JldC1zZWNyZXQtc2Vj\"}",
	     "/secret", "must be whsec_ followed by base64 (A-Z a-z 0-9 + /, padded with =)"},
	    {"{\"url\":\"" URL "\",\"secret\":\"whsec_c2hvcnQ=\"}", "/secret",
	     "must be whsec_ followed by the base64 of 24 to 64 bytes"},
	    {"{\"url\":\"" URL "\",\"secret\":7}", "/secret",
	     "must be a string: whsec_ and base64"},
	    {"{\"url\":\"" URL "\",\"retries\":3}", "/retries", "unknown field"},
	    {"{\"description\":\"no url\"}", "/url", "is required"},
	    {"{\"url\":\"ftp://files.example.com/x\"}", "/url", "must be an https (or http) URL"},
	    {"{\"url\":\"http://user:pw@127.0.0.1:9/x\"}", "/url",
	     "must not contain user information (user@)"},
	    {"{\"url\":\"http://127.0.0.1:9/x#part\"}", "/url", "must not have a fragment (#…)"},
	    {long_url, "/url", "must be 8 to 2048 characters long"},
	    {"[]", "", "must be a JSON object"},
	};
	const struct bad patch[] = {
	    {"{\"enabled\":1}", "/enabled", "must be true or false"},
	    {"{\"event_types\":[\"tier.changed\",\"tier.changed\"]}", "/event_types/1",
	     "is named twice"},
	    {"{\"secret\":\"" SECRET_B "\"}", "/secret", "unknown field"},
	    {"{\"url\":\"gopher://127.0.0.1/x\"}", "/url", "must be an https (or http) URL"},
	};
	long before = digest(fx.tenant);
	for (size_t i = 0; i < sizeof(post) / sizeof(post[0]); i++) {
		struct response r;
		assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/event-endpoints",
		                         post[i].body, NULL, &r),
		                 0);
		if (!response_single_error(&r, 422, post[i].pointer, post[i].message))
			fail_msg("POST %.80s: %d %s", post[i].body, r.status, r.body);
		response_free(&r);
	}
	ep_path(path, sizeof(path), id, "");
	for (size_t i = 0; i < sizeof(patch) / sizeof(patch[0]); i++) {
		struct response r;
		assert_int_equal(
		    call_as(fx.srv.port, fx.key, "PATCH", path, patch[i].body, NULL, &r), 0);
		if (!response_single_error(&r, 422, patch[i].pointer, patch[i].message))
			fail_msg("PATCH %s: %d %s", patch[i].body, r.status, r.body);
		response_free(&r);
	}
	assert_int_equal(digest(fx.tenant), before);
}

static void delete_takes_the_messages_along(void **state)
{
	(void)state;
	char id[37], path[128];
	create("{\"url\":\"" URL "\"}", id);
	json_decref(call("POST", ep_path(path, sizeof(path), id, "/test"), NULL, 202));
	assert_int_equal(messages(id, NULL), 1);
	struct response r;
	assert_int_equal(call_as(fx.srv.port, fx.key, "DELETE", ep_path(path, sizeof(path), id, ""),
	                         NULL, NULL, &r),
	                 0);
	assert_int_equal(r.status, 204);
	assert_int_equal(r.body_len, 0);
	response_free(&r);
	json_decref(call("GET", path, NULL, 404));
	json_decref(call("DELETE", path, NULL, 404));
	json_decref(call("GET", ep_path(path, sizeof(path), id, "/messages"), NULL, 404));
	assert_int_equal(messages(id, NULL), 0);
	assert_int_equal(
	    db_long("SELECT count(*) FROM event_endpoint_secrets WHERE endpoint_id = $1::uuid", id),
	    0);
}

static void rotation_overlaps_then_ends(void **state)
{
	(void)state;
	char id[37], path[128], get[128];
	create("{\"url\":\"" URL "\",\"secret\":\"" SECRET_A "\"}", id);
	ep_path(path, sizeof(path), id, "/secret/rotate");
	ep_path(get, sizeof(get), id, "");
	/* the default overlap: a day */
	json_t *j = call("POST", path, "{}", 200);
	const char *fresh = json_string_value(json_object_get(j, "secret"));
	assert_true(secret_shape_ok(fresh));
	assert_string_not_equal(fresh, SECRET_A);
	assert_true(json_is_string(json_object_get(j, "previous_expires_at")));
	assert_int_equal(
	    db_long("SELECT max(round(extract(epoch FROM s.expires_at - now()) / 3600)) "
	            "FROM event_endpoint_secrets s WHERE secret = $1",
	            SECRET_A),
	    24);
	char fingerprint[16];
	snprintf(fingerprint, sizeof(fingerprint), "%s",
	         json_string_value(json_object_get(j, "fingerprint")));
	json_decref(j);
	j = call("GET", get, NULL, 200);
	json_t *secrets = json_object_get(j, "secrets");
	assert_int_equal(json_array_size(secrets), 2);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(secrets, 0), "fingerprint")),
	    fingerprint);
	assert_true(json_is_null(json_object_get(json_array_get(secrets, 0), "expires_at")));
	assert_true(json_is_string(json_object_get(json_array_get(secrets, 1), "expires_at")));
	json_decref(j);
	/* a given secret, no overlap: only it is left */
	j = call("POST", path, "{\"secret\":\"" SECRET_B "\",\"overlap_hours\":0}", 200);
	assert_string_equal(json_string_value(json_object_get(j, "secret")), SECRET_B);
	snprintf(fingerprint, sizeof(fingerprint), "%s",
	         json_string_value(json_object_get(j, "fingerprint")));
	json_decref(j);
	j = call("GET", get, NULL, 200);
	secrets = json_object_get(j, "secrets");
	assert_int_equal(json_array_size(secrets), 1);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(secrets, 0), "fingerprint")),
	    fingerprint);
	json_decref(j);
	assert_int_equal(db_long("SELECT count(*) FROM event_endpoint_secrets WHERE endpoint_id = "
	                         "$1::uuid AND (expires_at IS NULL OR expires_at > now())",
	                         id),
	                 1);
	/* bad input changes nothing */
	long before = digest(fx.tenant);
	struct response r;
	const struct bad bad[] = {
	    {"{\"secret\":\"whsec_c2hvcnQ=\"}", "/secret",
	     "must be whsec_ followed by the base64 of 24 to 64 bytes"},
	    {"{\"secret\":\"nope\"}", "/secret", "must start with whsec_"},
	    {"{\"overlap_hours\":169}", "/overlap_hours",
	     "must be a whole number of hours from 0 to 168"},
	    {"{\"overlap_hours\":-1}", "/overlap_hours",
	     "must be a whole number of hours from 0 to 168"},
	    {"{\"overlap\":1}", "/overlap", "unknown field"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(call_as(fx.srv.port, fx.key, "POST", path, bad[i].body, NULL, &r),
		                 0);
		if (!response_single_error(&r, 422, bad[i].pointer, bad[i].message))
			fail_msg("rotate %s: %d %s", bad[i].body, r.status, r.body);
		response_free(&r);
	}
	assert_int_equal(digest(fx.tenant), before);
	json_decref(call("POST",
	                 "/v1/event-endpoints/00000000-0000-0000-0000-000000000000/secret/rotate",
	                 "{}", 404));
}

/* The data of the only message of type of endpoint id, from the API. */
static json_t *only_message_data(const char *id, const char *type)
{
	char path[160];
	json_t *page = call("GET", ep_path(path, sizeof(path), id, "/messages"), NULL, 200);
	json_t *found = NULL;
	size_t i;
	json_t *m;
	json_array_foreach (json_object_get(page, "data"), i, m) {
		if (strcmp(json_string_value(json_object_get(m, "type")), type) != 0)
			continue;
		assert_null(found);
		json_t *event = json_object_get(m, "event");
		assert_string_equal(json_string_value(json_object_get(event, "type")), type);
		assert_true(json_is_string(json_object_get(event, "timestamp")));
		found = json_incref(json_object_get(event, "data"));
	}
	json_decref(page);
	assert_non_null(found);
	return found;
}

static void changes_write_messages_for_subscribed_endpoints(void **state)
{
	(void)state;
	char all[37], earned[37], answers[37], off[37], survey[128];
	json_decref(
	    call("PUT", "/v1/program",
	         "{\"currency\":\"EUR\",\"points_per_unit\":1,\"tiers\":[{\"name\":\"basic\","
	         "\"threshold\":0}],\"expiry_days\":365}",
	         200));
	json_decref(call("PUT", "/v1/customers/m-1", "{\"name\":\"Mia\"}", 201));
	create("{\"url\":\"" URL "\"}", all);
	create("{\"url\":\"" URL "\",\"event_types\":[\"points.earned\"]}", earned);
	create("{\"url\":\"" URL "\",\"event_types\":[\"survey.answered\",\"customer.erased\"]}",
	       answers);
	create("{\"url\":\"" URL "\",\"enabled\":false}", off);

	json_decref(call("POST", "/v1/customers/m-1/points/earn",
	                 "{\"points\":120,\"reason\":\"welcome\",\"reference\":\"r-1\"}", 201));
	assert_int_equal(messages(all, "points.earned"), 1);
	assert_int_equal(messages(earned, "points.earned"), 1);
	assert_int_equal(messages(answers, NULL), 0);
	assert_int_equal(messages(off, NULL), 0);
	json_t *data = only_message_data(earned, "points.earned");
	json_object_del(data, "id");
	json_object_del(data, "created_at");
	json_object_del(data, "expires_at");
	assert_true(json_matches(data,
	                         "{\"customer_id\":\"m-1\",\"kind\":\"earn\",\"points\":120,"
	                         "\"reason\":\"welcome\",\"reference\":\"r-1\",\"amount\":null,"
	                         "\"shortfall\":0}"));
	json_decref(data);

	create_nps_survey(fx.srv.port, fx.key, survey);
	json_decref(call("POST", survey,
	                 "{\"customer_id\":\"m-1\",\"score\":3,\"comment\":\"slow\"}", 201));
	assert_int_equal(messages(all, "survey.answered"), 1);
	assert_int_equal(messages(answers, "survey.answered"), 1);
	assert_int_equal(messages(earned, "survey.answered"), 0);
	data = only_message_data(answers, "survey.answered");
	assert_string_equal(json_string_value(json_object_get(data, "category")), "detractor");
	assert_string_equal(json_string_value(json_object_get(data, "survey_kind")), "nps");
	assert_string_equal(json_string_value(json_object_get(data, "customer_id")), "m-1");
	assert_int_equal(json_int(data, "score"), 3);
	assert_string_equal(json_string_value(json_object_get(data, "comment")), "slow");
	json_decref(data);

	/* erasure: the customer's messages leave the outbox, customer.erased goes out */
	json_decref(call("PUT", "/v1/customers/m-2", "{}", 201));
	json_decref(call("POST", "/v1/customers/m-2/points/earn", "{\"points\":5}", 201));
	assert_int_equal(messages(all, NULL), 3);
	json_decref(call("DELETE", "/v1/customers/m-1", NULL, 204));
	assert_int_equal(messages(all, "points.earned"), 1); /* m-2's */
	assert_int_equal(messages(all, "survey.answered"), 0);
	assert_int_equal(messages(all, "customer.erased"), 1);
	assert_int_equal(messages(earned, "points.earned"), 1);
	assert_int_equal(messages(earned, "customer.erased"), 0);
	assert_int_equal(messages(answers, "survey.answered"), 0);
	assert_int_equal(messages(answers, "customer.erased"), 1);
	assert_int_equal(messages(off, NULL), 0);
	assert_int_equal(db_long("SELECT count(*) FROM outbound_messages WHERE body LIKE "
	                         "'%\"m-1\"%' AND type <> 'customer.erased'",
	                         NULL),
	                 0);
	data = only_message_data(answers, "customer.erased");
	assert_string_equal(json_string_value(json_object_get(data, "customer_id")), "m-1");
	assert_true(json_is_string(json_object_get(data, "erased_at")));
	json_decref(data);

	/* a tenant without endpoints writes no message at all */
	char tenant[37], key[64];
	create_tenant(fx.srv.port, "No endpoints", tenant, key);
	json_decref(api_json(fx.srv.port, key, "PUT", "/v1/program",
	                     "{\"currency\":\"EUR\",\"points_per_unit\":1,\"tiers\":[{\"name\":"
	                     "\"basic\",\"threshold\":0}]}",
	                     200));
	json_decref(api_json(fx.srv.port, key, "PUT", "/v1/customers/q", "{}", 201));
	json_decref(api_json(fx.srv.port, key, "POST", "/v1/customers/q/points/earn",
	                     "{\"points\":9}", 201));
	char path[128];
	create_nps_survey(fx.srv.port, key, path);
	json_decref(
	    api_json(fx.srv.port, key, "POST", path, "{\"customer_id\":\"q\",\"score\":1}", 201));
	json_decref(api_json(fx.srv.port, key, "DELETE", "/v1/customers/q", NULL, 204));
	assert_int_equal(
	    db_long("SELECT count(*) FROM outbound_messages WHERE tenant_id = $1::uuid", tenant),
	    0);
}

/* Makes customers <prefix>-1 and <prefix>-2 of key's shop, who earn 10 and 20 points. */
static void two_earn(const char *key, const char *prefix)
{
	for (int i = 1; i <= 2; i++) {
		char path[96];
		snprintf(path, sizeof(path), "/v1/customers/%s-%d", prefix, i);
		json_decref(api_json(fx.srv.port, key, "PUT", path, "{}", 201));
		snprintf(path, sizeof(path), "/v1/customers/%s-%d/points/earn", prefix, i);
		json_decref(api_json(fx.srv.port, key, "POST", path,
		                     i == 1 ? "{\"points\":10}" : "{\"points\":20}", 201));
	}
}

/* Ingest records an event once (outbound_events); the fan-out (here: the message list, as
 * this server does not deliver) makes the messages of the endpoints that want it then and
 * existed when it was recorded. An erasure before the fan-out takes the customer's recorded
 * events along. */
static void events_are_fanned_out_to_the_endpoints_of_then(void **state)
{
	(void)state;
	char tenant[37], key[64], path[160], early[37], later[37], paused[37];
	create_tenant(fx.srv.port, "Fan-out shop", tenant, key);
	json_decref(api_json(fx.srv.port, key, "PUT", "/v1/program",
	                     "{\"currency\":\"EUR\",\"points_per_unit\":1,\"tiers\":[{\"name\":"
	                     "\"basic\",\"threshold\":0}]}",
	                     200));
	char *ids[] = {early, paused};
	for (int i = 0; i < 2; i++) {
		json_t *j = api_json(fx.srv.port, key, "POST", "/v1/event-endpoints",
		                     "{\"url\":\"" URL "\",\"event_types\":[\"points.earned\","
		                     "\"customer.erased\"]}",
		                     201);
		snprintf(ids[i], 37, "%s", json_string_value(json_object_get(j, "id")));
		json_decref(j);
	}
	two_earn(key, "f");
	/* an order of ten days ago: its points date from the order, its event from now */
	char at[32], order[256];
	snprintf(order, sizeof(order),
	         "{\"customer_id\":\"f-1\",\"type\":\"order\",\"occurred_at\":\"%s\","
	         "\"amount\":\"7.00\",\"currency\":\"EUR\",\"order_id\":\"F-1\"}",
	         time_ago(10, at));
	json_decref(api_json(fx.srv.port, key, "POST", "/v1/events", order, 200));
	/* recorded once each, whatever the number of endpoints; no message yet */
	assert_int_equal(
	    db_long("SELECT count(*) FROM outbound_events WHERE tenant_id = $1::uuid "
	            "AND type = 'points.earned' AND body IS NULL AND entry_id IS NOT NULL",
	            tenant),
	    3);
	json_decref(api_json(fx.srv.port, key, "PATCH", ep_path(path, sizeof(path), paused, ""),
	                     "{\"enabled\":false}", 200));
	json_t *j =
	    api_json(fx.srv.port, key, "POST", "/v1/event-endpoints", "{\"url\":\"" URL "\"}", 201);
	snprintf(later, sizeof(later), "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
	json_decref(api_json(fx.srv.port, key, "DELETE", "/v1/customers/f-2", NULL, 204));
	assert_int_equal(
	    db_long("SELECT count(*) FROM outbound_events WHERE tenant_id = $1::uuid", tenant),
	    3); /* f-1's earn and order, f-2's erasure; f-2's earn went with f-2 */

	j = api_json(fx.srv.port, key, "GET", ep_path(path, sizeof(path), early, "/messages"), NULL,
	             200);
	json_t *items = json_object_get(j, "data");
	assert_int_equal(json_array_size(items), 3); /* newest first */
	const char *want[] = {"customer.erased", "points.earned", "points.earned"};
	for (int i = 0; i < 3; i++)
		assert_string_equal(
		    json_string_value(json_object_get(json_array_get(items, i), "type")), want[i]);
	json_decref(j);
	assert_int_equal(
	    db_long("SELECT count(*) FROM outbound_events WHERE tenant_id = $1::uuid", tenant), 0);
	/* the bodies rendered from the entries: 10 points, then 7 for the order of 7.00 */
	assert_int_equal(
	    db_long("SELECT 100 * count(*) + sum((body::jsonb#>>'{data,points}')::int) "
	            "FROM outbound_messages WHERE endpoint_id = $1::uuid AND type = "
	            "'points.earned' AND body::jsonb#>>'{data,customer_id}' = 'f-1'",
	            early),
	    217);
	assert_int_equal(messages(paused, NULL), 0);             /* disabled at the fan-out */
	assert_int_equal(messages(later, "points.earned"), 0);   /* created after the earns */
	assert_int_equal(messages(later, "customer.erased"), 1); /* and before the erasure */
}

/* While the API is busy the dispatcher's claim fans out only events recorded
 * LOYALTYD_OUTBOUND_YIELD_S ago or earlier (outbound_fan_out's min_age_seconds). */
static void a_busy_fan_out_leaves_recent_events(void **state)
{
	(void)state;
	char tenant[37], key[64];
	create_tenant(fx.srv.port, "Burst shop", tenant, key);
	json_decref(api_json(fx.srv.port, key, "PUT", "/v1/program",
	                     "{\"currency\":\"EUR\",\"points_per_unit\":1}", 200));
	json_decref(api_json(fx.srv.port, key, "POST", "/v1/event-endpoints",
	                     "{\"url\":\"" URL "\",\"event_types\":[\"points.earned\"]}", 201));
	two_earn(key, "b");
	const char *events = "SELECT count(*) FROM outbound_events WHERE tenant_id = $1::uuid";
	const char *messages = "SELECT count(*) FROM outbound_messages WHERE tenant_id = $1::uuid";
	assert_int_equal(db_long(events, tenant), 2);
	(void)db_long("SELECT outbound_fan_out(100000, true, 30)", NULL);
	assert_int_equal(db_long(events, tenant), 2); /* both recorded just now: they wait */
	assert_int_equal(db_long_as_is(messages, tenant), 0);
	/* b-1's was recorded 31 s ago: it goes, b-2's (29 s) stays (the endpoint is older) */
	assert_int_equal(db_long("WITH u AS (UPDATE event_endpoints SET created_at = now() - "
	                         "interval '1 min' WHERE tenant_id = $1::uuid RETURNING 1) "
	                         "SELECT count(*) FROM u",
	                         tenant),
	                 1);
	assert_int_equal(
	    db_long("WITH u AS (UPDATE outbound_events v SET created_at = now() - "
	            "CASE WHEN c.external_id = 'b-1' THEN interval '31 s' ELSE interval '29 s' END "
	            "FROM customers c WHERE v.tenant_id = $1::uuid AND c.tenant_id = v.tenant_id "
	            "AND c.id = v.customer_key RETURNING 1) SELECT count(*) FROM u",
	            tenant),
	    2);
	(void)db_long("SELECT outbound_fan_out(100000, true, 30)", NULL);
	assert_int_equal(db_long(events, tenant), 1);
	assert_int_equal(
	    db_long_as_is("SELECT count(*) FROM outbound_messages m JOIN customers c ON "
	                  "c.tenant_id = m.tenant_id AND c.id = m.customer_key WHERE "
	                  "m.tenant_id = $1::uuid AND c.external_id = 'b-1' AND "
	                  "m.body::jsonb #>> '{data,points}' = '10'",
	                  tenant),
	    1);
	assert_int_equal(db_long_as_is(messages, tenant), 1);
	(void)db_long("SELECT outbound_fan_out(100000, true)", NULL); /* not busy: all of them */
	assert_int_equal(db_long(events, tenant), 0);
	assert_int_equal(db_long(messages, tenant), 2);
}

static void messages_filter_and_page(void **state)
{
	(void)state;
	char id[37], path[512], msg[5][32];
	create("{\"url\":\"" URL "\"}", id);
	for (int i = 0; i < 5; i++) {
		json_t *m = call("POST", ep_path(path, sizeof(path), id, "/test"), NULL, 202);
		snprintf(msg[i], sizeof(msg[i]), "%s", json_string_value(json_object_get(m, "id")));
		json_decref(m);
	}
	/* msg[1] delivered, msg[3] failed */
	assert_int_equal(db_long("WITH x AS (UPDATE outbound_messages SET status = 'delivered', "
	                         "delivered_at = now(), attempts = 1, last_status = 200 "
	                         "WHERE id = substr($1, 5)::bigint RETURNING 1) "
	                         "SELECT count(*) FROM x",
	                         msg[1]),
	                 1);
	assert_int_equal(db_long("WITH x AS (UPDATE outbound_messages SET status = 'failed', "
	                         "attempts = 20, last_status = 500, last_error = 'HTTP 500' "
	                         "WHERE id = substr($1, 5)::bigint RETURNING 1) "
	                         "SELECT count(*) FROM x",
	                         msg[3]),
	                 1);
	json_t *page =
	    call("GET", ep_path(path, sizeof(path), id, "/messages?status=delivered"), NULL, 200);
	json_t *data = json_object_get(page, "data");
	assert_int_equal(json_array_size(data), 1);
	json_t *m = json_array_get(data, 0);
	assert_string_equal(json_string_value(json_object_get(m, "id")), msg[1]);
	assert_int_equal(json_int(m, "last_status"), 200);
	assert_true(json_is_null(json_object_get(m, "next_attempt_at")));
	assert_true(json_is_string(json_object_get(m, "delivered_at")));
	json_decref(page);
	page = call("GET", ep_path(path, sizeof(path), id, "/messages?status=failed"), NULL, 200);
	assert_int_equal(json_array_size(json_object_get(page, "data")), 1);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(page, "data"), 0), "last_error")),
	                    "HTTP 500");
	json_decref(page);
	page = call("GET", ep_path(path, sizeof(path), id, "/messages?status=pending"), NULL, 200);
	assert_int_equal(json_array_size(json_object_get(page, "data")), 3);
	json_decref(page);

	/* pages of 2, newest first, without overlap */
	const char *expect[] = {msg[4], msg[3], msg[2], msg[1], msg[0]};
	size_t seen = 0;
	char cursor[256] = "";
	for (int pageno = 0; pageno < 3; pageno++) {
		if (cursor[0])
			snprintf(path, sizeof(path),
			         "/v1/event-endpoints/%s/messages?limit=2&cursor=%s", id, cursor);
		else
			snprintf(path, sizeof(path), "/v1/event-endpoints/%s/messages?limit=2", id);
		page = call("GET", path, NULL, 200);
		size_t i;
		json_array_foreach (json_object_get(page, "data"), i, m)
			assert_string_equal(json_string_value(json_object_get(m, "id")),
			                    expect[seen++]);
		json_t *next = json_object_get(page, "next_cursor");
		if (pageno < 2)
			snprintf(cursor, sizeof(cursor), "%s", json_string_value(next));
		else
			assert_true(json_is_null(next));
		json_decref(page);
	}
	assert_int_equal(seen, 5);
	/* a cursor with another filter, and bad parameters */
	snprintf(path, sizeof(path),
	         "/v1/event-endpoints/%s/messages?limit=2&status=failed&cursor=%s", id, cursor);
	json_decref(call("GET", path, NULL, 400));
	json_decref(
	    call("GET", ep_path(path, sizeof(path), id, "/messages?status=sent"), NULL, 400));
	json_decref(call("GET", ep_path(path, sizeof(path), id, "/messages?limit=0"), NULL, 400));
	json_decref(call("GET", ep_path(path, sizeof(path), id, "/messages?type=x"), NULL, 400));
}

static void retry_makes_a_message_pending_again(void **state)
{
	(void)state;
	char id[37], other[37], path[200], m_id[32];
	create("{\"url\":\"" URL "\"}", id);
	create("{\"url\":\"" URL "\"}", other);
	json_t *m = call("POST", ep_path(path, sizeof(path), id, "/test"), NULL, 202);
	snprintf(m_id, sizeof(m_id), "%s", json_string_value(json_object_get(m, "id")));
	json_decref(m);
	static const char *const states[] = {
	    "status = 'delivered', delivered_at = now(), attempts = 1, last_status = 204",
	    "status = 'failed', attempts = 20, last_status = 503, last_error = 'HTTP 503'"};
	for (size_t i = 0; i < 2; i++) {
		char sql[300];
		snprintf(sql, sizeof(sql),
		         "WITH x AS (UPDATE outbound_messages SET %s, next_attempt_at = now() + "
		         "interval '1 day' WHERE id = substr($1, 5)::bigint RETURNING 1) "
		         "SELECT count(*) FROM x",
		         states[i]);
		assert_int_equal(db_long(sql, m_id), 1);
		snprintf(path, sizeof(path), "/v1/event-endpoints/%s/messages/%s/retry", id, m_id);
		m = call("POST", path, NULL, 202);
		assert_string_equal(json_string_value(json_object_get(m, "id")), m_id);
		assert_string_equal(json_string_value(json_object_get(m, "status")), "pending");
		assert_true(json_is_null(json_object_get(m, "delivered_at")));
		assert_true(json_is_string(json_object_get(m, "next_attempt_at")));
		json_decref(m);
		assert_int_equal(db_long("SELECT count(*) FROM outbound_messages WHERE id = "
		                         "substr($1, 5)::bigint AND status = 'pending' AND "
		                         "next_attempt_at <= now()",
		                         m_id),
		                 1);
	}
	/* a disabled endpoint's message is parked, retried or not: due only once enabled */
	char ep[96];
	json_decref(call("PATCH", ep_path(ep, sizeof(ep), id, ""), "{\"enabled\":false}", 200));
	assert_int_equal(db_long("SELECT count(*) FROM outbound_messages WHERE id = "
	                         "substr($1, 5)::bigint AND next_attempt_at = 'infinity'",
	                         m_id),
	                 1);
	snprintf(path, sizeof(path), "/v1/event-endpoints/%s/messages/%s/retry", id, m_id);
	m = call("POST", path, NULL, 202);
	assert_true(json_is_null(json_object_get(m, "next_attempt_at")));
	json_decref(m);
	json_decref(call("PATCH", ep, "{\"enabled\":true}", 200));
	assert_int_equal(db_long("SELECT count(*) FROM outbound_messages WHERE id = "
	                         "substr($1, 5)::bigint AND next_attempt_at <= now()",
	                         m_id),
	                 1);
	/* another endpoint's message, and ids that are none */
	snprintf(path, sizeof(path), "/v1/event-endpoints/%s/messages/%s/retry", other, m_id);
	json_decref(call("POST", path, NULL, 404));
	snprintf(path, sizeof(path), "/v1/event-endpoints/%s/messages/%s/retry", id, m_id + 4);
	json_decref(call("POST", path, NULL, 404));
	snprintf(path, sizeof(path), "/v1/event-endpoints/%s/messages/msg_12x/retry", id);
	json_decref(call("POST", path, NULL, 404));
	snprintf(path, sizeof(path), "/v1/event-endpoints/%s/messages/msg_9999999999/retry", id);
	json_decref(call("POST", path, NULL, 404));
}

static void replay_sends_a_range_again(void **state)
{
	(void)state;
	char id[37], path[160];
	create("{\"url\":\"" URL "\"}", id);
	ep_path(path, sizeof(path), id, "/test");
	for (int i = 0; i < 4; i++)
		json_decref(call("POST", path, NULL, 202));
	/* three delivered in January (one of them pending again already), one delivered now */
	assert_int_equal(db_long("WITH x AS (UPDATE outbound_messages SET status = 'delivered', "
	                         "delivered_at = now() WHERE endpoint_id = $1::uuid RETURNING 1) "
	                         "SELECT count(*) FROM x",
	                         id),
	                 4);
	assert_int_equal(
	    db_long("WITH x AS (UPDATE outbound_messages SET created_at = "
	            "'2026-01-15T12:00:00Z' WHERE id IN (SELECT id FROM "
	            "outbound_messages WHERE endpoint_id = $1::uuid ORDER BY id LIMIT 3)"
	            " RETURNING 1) SELECT count(*) FROM x",
	            id),
	    3);
	assert_int_equal(db_long("WITH x AS (UPDATE outbound_messages SET status = 'pending', "
	                         "delivered_at = NULL WHERE id = (SELECT min(id) FROM "
	                         "outbound_messages WHERE endpoint_id = $1::uuid) RETURNING 1) "
	                         "SELECT count(*) FROM x",
	                         id),
	                 1);
	assert_int_equal(db_long("WITH x AS (UPDATE outbound_messages SET created_at = now() - "
	                         "interval '1 minute' WHERE id = (SELECT max(id) FROM "
	                         "outbound_messages WHERE endpoint_id = $1::uuid) RETURNING 1) "
	                         "SELECT count(*) FROM x",
	                         id),
	                 1);
	ep_path(path, sizeof(path), id, "/replay");
	struct response r;
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "POST", path,
	            "{\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-02-01T00:00:00Z\"}", NULL,
	            &r),
	    0);
	assert_int_equal(r.status, 202);
	assert_true(response_json_equal(
	    &r,
	    "{\"replayed\":2,\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-02-01T00:00:00Z\"}",
	    NULL));
	response_free(&r);
	assert_int_equal(
	    db_long("SELECT count(*) FROM outbound_messages WHERE endpoint_id = $1::uuid "
	            "AND status = 'pending' AND delivered_at IS NULL",
	            id),
	    3);
	/* to defaults to now: the one delivered today too */
	json_t *j = call("POST", path, "{\"from\":\"2026-01-01T00:00:00Z\"}", 202);
	assert_int_equal(json_int(j, "replayed"), 1);
	json_decref(j);
	long before = digest(fx.tenant);
	const struct bad bad[] = {
	    {"{\"from\":\"2026-02-01T00:00:00Z\",\"to\":\"2026-01-01T00:00:00Z\"}", "/from",
	     "must be before to"},
	    {"{\"from\":\"2026-02-01T00:00:00Z\",\"to\":\"2026-02-01T00:00:00Z\"}", "/from",
	     "must be before to"},
	    {"{\"to\":\"2026-02-01T00:00:00Z\"}", "/from", "is required"},
	    {"{\"from\":\"yesterday\"}", "/from",
	     "must be an RFC 3339 time such as 2026-12-01T00:00:00Z"},
	    {"{\"from\":\"2026-01-01T00:00:00Z\",\"until\":\"x\"}", "/until", "unknown field"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(call_as(fx.srv.port, fx.key, "POST", path, bad[i].body, NULL, &r),
		                 0);
		if (!response_single_error(&r, 422, bad[i].pointer, bad[i].message))
			fail_msg("replay %s: %d %s", bad[i].body, r.status, r.body);
		response_free(&r);
	}
	assert_int_equal(digest(fx.tenant), before);
	json_decref(call("POST", "/v1/event-endpoints/00000000-0000-0000-0000-000000000000/replay",
	                 "{\"from\":\"2026-01-01T00:00:00Z\"}", 404));
}

static void test_event_is_pending(void **state)
{
	(void)state;
	char id[37], path[160], expected[512];
	create("{\"url\":\"" URL "\",\"event_types\":[\"tier.changed\"]}", id);
	struct response r;
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST",
	                         ep_path(path, sizeof(path), id, "/test"), NULL, NULL, &r),
	                 0);
	assert_int_equal(r.status, 202);
	static const char *const ignore[] = {"id", "created_at", "next_attempt_at", "event", NULL};
	assert_true(
	    response_json_equal(&r,
	                        "{\"type\":\"endpoint.test\",\"status\":\"pending\","
	                        "\"attempts\":0,\"last_attempt_at\":null,\"last_status\":null,"
	                        "\"last_error\":null,\"delivered_at\":null}",
	                        ignore));
	json_t *j = response_json(&r);
	json_t *event = json_object_get(j, "event");
	assert_string_equal(json_string_value(json_object_get(event, "type")), "endpoint.test");
	assert_string_equal(json_string_value(json_object_get(event, "timestamp")),
	                    json_string_value(json_object_get(j, "created_at")));
	snprintf(expected, sizeof(expected),
	         "{\"endpoint_id\":\"%s\",\"message\":\"a test event from loyaltyd\"}", id);
	assert_true(json_matches(json_object_get(event, "data"), expected));
	json_decref(j);
	response_free(&r);
	assert_int_equal(messages(id, "endpoint.test"), 1);
	json_decref(call("POST", "/v1/event-endpoints/00000000-0000-0000-0000-000000000000/test",
	                 NULL, 404));
}

static void settings_have_defaults_and_bounds(void **state)
{
	(void)state;
	char tenant[37], key[64];
	struct response r;
	create_tenant(fx.srv.port, "Settings shop", tenant, key);
	assert_int_equal(call_as(fx.srv.port, key, "GET", "/v1/event-settings", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_true(response_json_equal(
	    &r, "{\"tz\":\"UTC\",\"run_at\":\"06:00\",\"expiring_days\":7,\"last_run_on\":null}",
	    NULL));
	response_free(&r);
	static const char *const ok[] = {
	    "{\"tz\":\"Europe/Zagreb\",\"run_at\":\"07:30\",\"expiring_days\":14}",
	    "{\"tz\":\"America/New_York\",\"run_at\":\"00:00\",\"expiring_days\":1}",
	    "{\"tz\":\"Asia/Tokyo\",\"run_at\":\"23:59\",\"expiring_days\":365}"};
	for (size_t i = 0; i < 3; i++) {
		char expected[200];
		snprintf(expected, sizeof(expected), "%.*s,\"last_run_on\":null}",
		         (int)strlen(ok[i]) - 1, ok[i]);
		assert_int_equal(
		    call_as(fx.srv.port, key, "PUT", "/v1/event-settings", ok[i], NULL, &r), 0);
		assert_int_equal(r.status, 200);
		assert_true(response_json_equal(&r, expected, NULL));
		response_free(&r);
		assert_int_equal(
		    call_as(fx.srv.port, key, "GET", "/v1/event-settings", NULL, NULL, &r), 0);
		assert_true(response_json_equal(&r, expected, NULL));
		response_free(&r);
	}
	long before = digest(tenant);
	const struct bad bad[] = {
	    {"{\"tz\":\"Mars/Olympus\",\"run_at\":\"06:00\",\"expiring_days\":7}", "/tz",
	     "is not a time zone PostgreSQL knows"},
	    {"{\"run_at\":\"06:00\",\"expiring_days\":7}", "/tz", "is required"},
	    {"{\"tz\":\"UTC\",\"run_at\":\"24:00\",\"expiring_days\":7}", "/run_at",
	     "must be a local time HH:MM such as 06:00"},
	    {"{\"tz\":\"UTC\",\"run_at\":\"12:60\",\"expiring_days\":7}", "/run_at",
	     "must be a local time HH:MM such as 06:00"},
	    {"{\"tz\":\"UTC\",\"run_at\":\"12:5:\",\"expiring_days\":7}", "/run_at",
	     "must be a local time HH:MM such as 06:00"},
	    {"{\"tz\":\"UTC\",\"run_at\":\"6:00\",\"expiring_days\":7}", "/run_at",
	     "must be 5 to 5 characters long"},
	    {"{\"tz\":\"UTC\",\"run_at\":\"06:00\",\"expiring_days\":0}", "/expiring_days",
	     "is required: a whole number of days from 1 to 365"},
	    {"{\"tz\":\"UTC\",\"run_at\":\"06:00\",\"expiring_days\":366}", "/expiring_days",
	     "is required: a whole number of days from 1 to 365"},
	    {"{\"tz\":\"UTC\",\"run_at\":\"06:00\",\"expiring_days\":\"7\"}", "/expiring_days",
	     "is required: a whole number of days from 1 to 365"},
	    {"{\"tz\":\"UTC\",\"run_at\":\"06:00\"}", "/expiring_days",
	     "is required: a whole number of days from 1 to 365"},
	    {"{\"tz\":\"UTC\",\"run_at\":\"06:00\",\"expiring_days\":7,\"hour\":6}", "/hour",
	     "unknown field"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
		    call_as(fx.srv.port, key, "PUT", "/v1/event-settings", bad[i].body, NULL, &r),
		    0);
		if (!response_single_error(&r, 422, bad[i].pointer, bad[i].message))
			fail_msg("PUT %s: %d %s", bad[i].body, r.status, r.body);
		response_free(&r);
	}
	assert_int_equal(digest(tenant), before);
}

/* Without LOYALTYD_OUTBOUND_ALLOW_PRIVATE: https only, public addresses only. */
static void private_addresses_are_refused(void **state)
{
	(void)state;
	static const struct bad bad[] = {
	    {"{\"url\":\"http://example.com/hooks\"}", "/url",
	     "must use https (http only with LOYALTYD_OUTBOUND_ALLOW_PRIVATE=1)"},
	    {"{\"url\":\"https://127.0.0.1/x\"}", "/url",
	     "the host resolves to a loopback address"},
	    {"{\"url\":\"https://[::1]/x\"}", "/url", "the host resolves to a loopback address"},
	    {"{\"url\":\"https://10.1.2.3/x\"}", "/url", "the host resolves to a private address"},
	    {"{\"url\":\"https://169.254.169.254/x\"}", "/url",
	     "the host resolves to a link-local address"},
	    {"{\"url\":\"https://localhost/x\"}", "/url",
	     "the host resolves to a loopback address"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct response r;
		assert_int_equal(call_as(ssrf.srv.port, ssrf.key, "POST", "/v1/event-endpoints",
		                         bad[i].body, NULL, &r),
		                 0);
		if (!response_single_error(&r, 422, bad[i].pointer, bad[i].message))
			fail_msg("POST %s: %d %s", bad[i].body, r.status, r.body);
		response_free(&r);
	}
	/* a PATCH to such a URL too */
	char id[37], path[128];
	assert_int_equal(db_long("WITH x AS (INSERT INTO event_endpoints (tenant_id, url) VALUES "
	                         "($1::uuid, 'https://203.0.113.7/x') RETURNING 1) "
	                         "SELECT count(*) FROM x",
	                         ssrf.tenant),
	                 1);
	json_t *list = api_json(ssrf.srv.port, ssrf.key, "GET", "/v1/event-endpoints", NULL, 200);
	snprintf(id, sizeof(id), "%s",
	         json_string_value(
	             json_object_get(json_array_get(json_object_get(list, "data"), 0), "id")));
	json_decref(list);
	struct response r;
	assert_int_equal(call_as(ssrf.srv.port, ssrf.key, "PATCH",
	                         ep_path(path, sizeof(path), id, ""),
	                         "{\"url\":\"https://192.168.1.1/x\"}", NULL, &r),
	                 0);
	assert_true(
	    response_single_error(&r, 422, "/url", "the host resolves to a private address"));
	response_free(&r);
	assert_int_equal(
	    db_long("SELECT count(*) FROM event_endpoints WHERE tenant_id = $1::uuid", ssrf.tenant),
	    1);
	assert_int_equal(db_long("SELECT count(*) FROM event_endpoints WHERE tenant_id = $1::uuid "
	                         "AND url = 'https://203.0.113.7/x'",
	                         ssrf.tenant),
	                 1);
}

static int setup(void **state)
{
	/* no dispatcher: the messages stay as the tests leave them (test_outbound_delivery.c
	 * delivers) */
	static const char *const env[] = {"LOYALTYD_OUTBOUND_ALLOW_PRIVATE=1",
	                                  "LOYALTYD_OUTBOUND_WORKERS=0", NULL};
	fixture_setup(state, &fx, env, "Endpoints shop");
	return 0;
}

static int setup_ssrf(void **state)
{
	static const char *const env[] = {"LOYALTYD_OUTBOUND_ALLOW_PRIVATE=0",
	                                  "LOYALTYD_OUTBOUND_WORKERS=0", NULL};
	fixture_setup(state, &ssrf, env, "SSRF shop");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(create_shows_defaults_and_the_secret_once),
	    cmocka_unit_test(patch_changes_what_it_names),
	    cmocka_unit_test(bad_input_is_422_naming_the_field),
	    cmocka_unit_test(delete_takes_the_messages_along),
	    cmocka_unit_test(rotation_overlaps_then_ends),
	    cmocka_unit_test(changes_write_messages_for_subscribed_endpoints),
	    cmocka_unit_test(events_are_fanned_out_to_the_endpoints_of_then),
	    cmocka_unit_test(a_busy_fan_out_leaves_recent_events),
	    cmocka_unit_test(messages_filter_and_page),
	    cmocka_unit_test(retry_makes_a_message_pending_again),
	    cmocka_unit_test(replay_sends_a_range_again),
	    cmocka_unit_test(test_event_is_pending),
	    cmocka_unit_test(settings_have_defaults_and_bounds),
	};
	const struct CMUnitTest ssrf_tests[] = {
	    cmocka_unit_test(private_addresses_are_refused),
	};
	int failed = cmocka_run_group_tests(tests, setup, fixture_teardown);
	return failed + cmocka_run_group_tests(ssrf_tests, setup_ssrf, fixture_teardown);
}
