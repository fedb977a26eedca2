/* test_program.c - PUT/GET /v1/program against the real server and database: defaults
 * filled in, every change a new version, every validation rule with its pointer (and
 * nothing stored), the admin scope, and tenants kept apart. */
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
static char other_tenant[37], other_key[64];

static int setup(void **state)
{
	fixture_setup(state, &fx, NULL, "Programme shop");
	create_tenant(fx.srv.port, "Other shop", other_tenant, other_key);
	return 0;
}

static void no_programme_is_404(void **state)
{
	struct response r;
	(void)state;
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET", "/v1/program", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
}

static void minimal_programme_gets_its_defaults(void **state)
{
	struct response r;
	(void)state;
	assert_int_equal(call_as(fx.srv.port, fx.key, "PUT", "/v1/program",
	                         "{\"currency\":\"EUR\",\"points_per_unit\":2}", NULL, &r),
	                 0);
	assert_int_equal(r.status, 200);
	json_t *p = response_json(&r);
	assert_int_equal(json_integer_value(json_object_get(p, "version")), 1);
	assert_true(json_is_string(json_object_get(p, "updated_at")));
	json_object_del(p, "updated_at");
	json_t *want = json_loads(
	    "{\"version\":1,\"currency\":\"EUR\",\"points_per_unit\":2.0,\"rounding\":\"floor\","
	    "\"event_points\":{},\"tiers\":[{\"name\":\"member\",\"threshold\":0,\"multiplier\":1."
	    "0}],"
	    "\"tier_window_days\":365,\"expiry_days\":null,\"min_redeem\":0,\"point_value\":\"0\"}",
	    0, NULL);
	if (!json_equal(p, want))
		fail_msg("got %s", r.body);
	json_decref(want);
	json_decref(p);
	response_free(&r);
}

static void every_change_is_a_new_version(void **state)
{
	struct response r;
	(void)state;
	const char *full =
	    "{\"currency\":\"EUR\",\"points_per_unit\":1,\"rounding\":\"round\",\"event_points\":"
	    "{\"review\":50,\"referral\":200},\"tiers\":[{\"name\":\"bronze\",\"threshold\":0,"
	    "\"multiplier\":1.0},{\"name\":\"silver\",\"threshold\":1000,\"multiplier\":1.25},"
	    "{\"name\":\"gold\",\"threshold\":5000,\"multiplier\":1.5}],\"tier_window_days\":365,"
	    "\"expiry_days\":365,\"min_redeem\":100,\"point_value\":\"0.01\"}";
	assert_int_equal(call_as(fx.srv.port, fx.key, "PUT", "/v1/program", full, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET", "/v1/program", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	json_t *p = response_json(&r);
	assert_int_equal(json_integer_value(json_object_get(p, "version")), 2);
	assert_string_equal(json_string_value(json_object_get(p, "rounding")), "round");
	assert_string_equal(json_string_value(json_object_get(p, "point_value")), "0.01");
	assert_int_equal(json_integer_value(json_object_get(p, "expiry_days")), 365);
	json_t *gold = json_array_get(json_object_get(p, "tiers"), 2);
	assert_string_equal(json_string_value(json_object_get(gold, "name")), "gold");
	assert_true(json_real_value(json_object_get(gold, "multiplier")) == 1.5);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(p, "event_points"), "referral")),
	    200);
	json_decref(p);
	response_free(&r);
	/* both versions are kept */
	assert_int_equal(
	    db_long("SELECT count(*) FROM loyalty_programs WHERE tenant_id = $1", fx.tenant), 2);
	/* the other tenant still has none */
	assert_int_equal(call_as(fx.srv.port, other_key, "GET", "/v1/program", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
}

static void invalid(const char *body, const char *pointer, const char *message)
{
	struct response r;
	long before =
	    db_long("SELECT count(*) FROM loyalty_programs WHERE tenant_id = $1", fx.tenant);
	assert_int_equal(call_as(fx.srv.port, fx.key, "PUT", "/v1/program", body, NULL, &r), 0);
	if (!response_single_error(&r, 422, pointer, message))
		fail_msg("%s\n got %d %s\nwant %s: %s", body, r.status, r.body, pointer, message);
	response_free(&r);
	assert_int_equal(
	    db_long("SELECT count(*) FROM loyalty_programs WHERE tenant_id = $1", fx.tenant),
	    before);
}

#define OTHER_FILTERS                                                                              \
	"was returned for other filters; send it with the same request as the page that "          \
	"returned it (limit may change)"
#define BASE "\"currency\":\"EUR\",\"points_per_unit\":1"

static void every_programme_rule_answers_422(void **state)
{
	(void)state;
	invalid("{\"points_per_unit\":1}", "/currency", "is required");
	invalid("{\"currency\":\"EURO\",\"points_per_unit\":1}", "/currency",
	        "must be 3 to 3 characters long");
	invalid("{\"currency\":\"XXY\",\"points_per_unit\":1}", "/currency",
	        "must be an ISO 4217 code such as EUR");
	invalid("{\"currency\":\"EUR\"}", "/points_per_unit", "is required");
	invalid("{\"currency\":\"EUR\",\"points_per_unit\":0}", "/points_per_unit",
	        "must be a number above 0 and at most 10000, with at most 4 decimals");
	invalid("{" BASE ",\"rounding\":\"up\"}", "/rounding", "must be floor, round or ceil");
	invalid("{" BASE ",\"event_points\":{\"order\":5}}", "/event_points/order",
	        "orders earn by points_per_unit and refunds take back: no fixed points");
	invalid("{" BASE ",\"event_points\":{\"Review\":5}}", "/event_points/Review",
	        "is not an event type");
	invalid("{" BASE ",\"event_points\":{\"review\":1.5}}", "/event_points/review",
	        "must be a whole number of points from 0 to 1000000");
	invalid("{" BASE ",\"tiers\":[]}", "/tiers", "must be an array of 1 to 20 tiers");
	invalid("{" BASE ",\"tiers\":[{\"name\":\"a\",\"threshold\":5}]}", "/tiers/0/threshold",
	        "must be 0 for the first tier: every member has a tier");
	invalid("{" BASE
	        ",\"tiers\":[{\"name\":\"a\",\"threshold\":0},{\"name\":\"b\",\"threshold\":0}]}",
	        "/tiers/1/threshold", "must be above the previous tier's threshold");
	invalid("{" BASE
	        ",\"tiers\":[{\"name\":\"a\",\"threshold\":0},{\"name\":\"a\",\"threshold\":9}]}",
	        "/tiers/1/name", "is the name of an earlier tier");
	invalid("{" BASE ",\"tiers\":[{\"name\":\"a\",\"threshold\":0,\"multiplier\":0}]}",
	        "/tiers/0/multiplier",
	        "must be a number above 0 and at most 100, with at most 4 decimals");
	invalid("{" BASE ",\"tiers\":[{\"name\":\"a\",\"threshold\":0,\"colour\":\"red\"}]}",
	        "/tiers/0/colour", "unknown field");
	invalid("{" BASE ",\"tier_window_days\":0}", "/tier_window_days",
	        "must be a whole number from 1 to 3650");
	invalid("{" BASE ",\"expiry_days\":0}", "/expiry_days",
	        "must be a whole number from 1 to 3650");
	invalid("{" BASE ",\"min_redeem\":-1}", "/min_redeem",
	        "must be a whole number from 0 to 1000000000");
	invalid("{" BASE ",\"point_value\":\"0.00001\"}", "/point_value",
	        "must be a decimal with at most 13 digits before and 4 after the point");
	invalid("{" BASE ",\"cashback\":true}", "/cashback", "unknown field");
}

static void programme_needs_the_admin_scope(void **state)
{
	struct response r;
	char k[64], kid[37];
	(void)state;
	create_key(fx.srv.port, fx.key, "[\"read\",\"points\",\"ingest\"]", k, kid);
	assert_int_equal(call_as(fx.srv.port, k, "GET", "/v1/program", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, k, "PUT", "/v1/program", "{" BASE "}", NULL, &r), 0);
	assert_int_equal(r.status, 403);
	response_free(&r);
}

static json_t *as_other(const char *method, const char *path, const char *body, int status)
{
	return api_json(fx.srv.port, other_key, method, path, body, status);
}

#define TIERS_V1                                                                                   \
	"\"tiers\":[{\"name\":\"bronze\",\"threshold\":0},{\"name\":\"silver\",\"threshold\":100}" \
	","                                                                                        \
	"{\"name\":\"gold\",\"threshold\":1000}]"

static void dry_run_lists_tier_changes_and_stores_nothing(void **state)
{
	(void)state;
	json_decref(as_other("PUT", "/v1/program", "{" BASE "," TIERS_V1 "}", 200));
	/* p1 50 bronze, p2 150 silver, p3 1200 gold, p4 nothing (bronze), p5 gold by membership */
	const char *earn[][2] = {{"p1", "50"}, {"p2", "150"}, {"p3", "1200"}};
	for (int i = 0; i < 5; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/v1/customers/p%d", i + 1);
		json_decref(as_other("PUT", path, "{}", 201));
	}
	for (int i = 0; i < 3; i++) {
		char path[64], body[64];
		snprintf(path, sizeof(path), "/v1/customers/%s/points/earn", earn[i][0]);
		snprintf(body, sizeof(body), "{\"points\":%s}", earn[i][1]);
		json_decref(as_other("POST", path, body, 201));
	}
	json_decref(as_other("POST", "/v1/events",
	                     "{\"customer_id\":\"p5\",\"type\":\"membership_purchased\","
	                     "\"occurred_at\":\"2026-01-01T00:00:00Z\",\"properties\":{\"tier\":"
	                     "\"gold\",\"until\":\"2099-01-01T00:00:00Z\"}}",
	                     200));
	/* silver from 200: only p2 falls back to bronze */
	json_t *j =
	    as_other("PUT", "/v1/program?dry_run=true",
	             "{" BASE ",\"tiers\":[{\"name\":\"bronze\",\"threshold\":0},{\"name\":"
	             "\"silver\",\"threshold\":200},{\"name\":\"gold\",\"threshold\":1000}]}",
	             200);
	assert_true(json_is_true(json_object_get(j, "dry_run")));
	assert_int_equal(json_integer_value(json_object_get(j, "customers")), 5);
	assert_int_equal(json_integer_value(json_object_get(j, "tier_changes")), 1);
	json_t *data = json_object_get(json_object_get(j, "changes"), "data");
	assert_int_equal(json_array_size(data), 1);
	json_t *c = json_array_get(data, 0);
	assert_string_equal(json_string_value(json_object_get(c, "customer_id")), "p2");
	assert_string_equal(json_string_value(json_object_get(c, "from")), "silver");
	assert_string_equal(json_string_value(json_object_get(c, "to")), "bronze");
	/* the answer shows the programme as it would be stored, defaults filled in */
	json_t *prog = json_object_get(j, "program");
	assert_int_equal(json_integer_value(json_object_get(
	                     json_array_get(json_object_get(prog, "tiers"), 1), "threshold")),
	                 200);
	assert_int_equal(json_integer_value(json_object_get(prog, "tier_window_days")), 365);

	json_decref(j);
	/* renamed tiers: everyone changes (p5's gold no longer exists); pages of two */
	const char *expect[][3] = {{"p1", "bronze", "basic"},
	                           {"p2", "silver", "plus"},
	                           {"p3", "gold", "plus"},
	                           {"p4", "bronze", "basic"},
	                           {"p5", "gold", "basic"}};
	char path[256] = "/v1/program?dry_run=true&limit=2", first_cursor[160] = "";
	int seen = 0, pages = 0;
	for (;;) {
		j = as_other("PUT", path,
		             "{" BASE ",\"tiers\":[{\"name\":\"basic\",\"threshold\":0},{\"name\":"
		             "\"plus\",\"threshold\":100}]}",
		             200);
		assert_int_equal(json_integer_value(json_object_get(j, "tier_changes")), 5);
		json_t *changes = json_object_get(j, "changes");
		size_t i;
		json_array_foreach (json_object_get(changes, "data"), i, c) {
			assert_true(seen < 5);
			for (int k = 0; k < 3; k++)
				assert_string_equal(
				    json_string_value(json_object_get(c, k == 0   ? "customer_id"
				                                         : k == 1 ? "from"
				                                                  : "to")),
				    expect[seen][k]);
			seen++;
		}
		pages++;
		json_t *next = json_object_get(changes, "next_cursor");
		if (json_is_null(next)) {
			json_decref(j);
			break;
		}
		snprintf(path, sizeof(path), "/v1/program?dry_run=true&limit=2&cursor=%s",
		         json_string_value(next));
		if (!first_cursor[0])
			snprintf(first_cursor, sizeof(first_cursor), "%s", json_string_value(next));
		json_decref(j);
	}
	assert_int_equal(seen, 5);
	assert_int_equal(pages, 3);
	/* a page's cursor is bound to the programme it was computed for: another one changes
	 * other customers, so its cursor would resume a listing it never started */
	struct response r;
	snprintf(path, sizeof(path), "/v1/program?dry_run=true&limit=2&cursor=%s", first_cursor);
	assert_int_equal(call_as(fx.srv.port, other_key, "PUT", path,
	                         "{" BASE
	                         ",\"tiers\":[{\"name\":\"basic\",\"threshold\":0},{\"name\":"
	                         "\"plus\",\"threshold\":150}]}",
	                         NULL, &r),
	                 0);
	assert_true(response_bad_parameters(&r, "cursor: " OTHER_FILTERS,
	                                    (const char *const[]){"cursor", NULL}, OTHER_FILTERS));
	response_free(&r);
	/* nothing was stored: still version 1 with its tiers */
	j = as_other("GET", "/v1/program", NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(j, "tiers"), 1), "name")),
	                    "silver");
	json_decref(j);
	/* a dry run validates like a PUT; dry_run itself is checked */
	json_decref(as_other("PUT", "/v1/program?dry_run=true", "{\"currency\":\"EUR\"}", 422));
	j = as_other("PUT", "/v1/program?dry_run=yes", "{" BASE "}", 400);
	assert_string_equal(json_string_value(json_object_get(j, "detail")),
	                    "dry_run: must be true or false");
	json_decref(j);
}

int main(void)
{

	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(no_programme_is_404),
	    cmocka_unit_test(minimal_programme_gets_its_defaults),
	    cmocka_unit_test(every_change_is_a_new_version),
	    cmocka_unit_test(every_programme_rule_answers_422),
	    cmocka_unit_test(programme_needs_the_admin_scope),
	    cmocka_unit_test(dry_run_lists_tier_changes_and_stores_nothing),

	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
