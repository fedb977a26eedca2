/* test_keys.c - authentication, scopes, API keys and tenants against the real server:
 * 401 without or with a wrong key, 403 on a wrong scope, a revoked key refused at once,
 * key listing with cursors, the admin token, and one tenant never reaching another's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static struct fixture fx; /* tenant A */
static char tenant_b[37], key_b[64];

static int setup(void **state)
{
	fixture_setup(state, &fx, NULL, "Shop A");
	create_tenant(fx.srv.port, "Shop B", tenant_b, key_b);
	return 0;
}

static void assert_problem_type(const struct response *r, int status, const char *type)
{
	assert_int_equal(r->status, status);
	assert_string_equal(response_header(r, "Content-Type"), "application/problem+json");
	json_t *j = response_json(r);
	assert_string_equal(json_string_value(json_object_get(j, "type")), type);
	json_decref(j);
}

static void no_key_is_401(void **state)
{
	struct response r;
	(void)state;
	assert_int_equal(call_as(fx.srv.port, NULL, "GET", "/v1/keys", NULL, NULL, &r), 0);
	assert_problem_type(&r, 401, "urn:loyaltyd:problem:unauthorized");
	assert_string_equal(response_header(&r, "WWW-Authenticate"), "Bearer");
	response_free(&r);
}

static void wrong_key_is_401(void **state)
{
	struct response r;
	char wrong[64];
	(void)state;
	/* right shape and right prefix, wrong secret: found by prefix, refused by hash */
	snprintf(wrong, sizeof(wrong), "%s", fx.key);
	wrong[40] = wrong[40] == 'A' ? 'B' : 'A';
	assert_int_equal(call_as(fx.srv.port, wrong, "GET", "/v1/keys", NULL, NULL, &r), 0);
	assert_problem_type(&r, 401, "urn:loyaltyd:problem:unauthorized");
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, "lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	                         "GET", "/v1/keys", NULL, NULL, &r),
	                 0);
	assert_int_equal(r.status, 401);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, "not-a-key", "GET", "/v1/keys", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	response_free(&r);
	const char *basic[] = {"Authorization: Basic dXNlcjpwYXNz", NULL};
	assert_int_equal(http(fx.srv.port, "GET", "/v1/keys", basic, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	response_free(&r);
}

static void wrong_scope_is_403(void **state)
{
	struct response r;
	char read_key[64], read_id[37];
	(void)state;
	create_key(fx.srv.port, fx.key, "[\"read\",\"ingest\"]", read_key, read_id);
	assert_int_equal(call_as(fx.srv.port, read_key, "GET", "/v1/keys", NULL, NULL, &r), 0);
	assert_problem_type(&r, 403, "urn:loyaltyd:problem:forbidden");
	json_t *j = response_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "detail")),
	                    "this key lacks the scope this route needs: one of [\"admin\"]");
	json_decref(j);
	response_free(&r);
}

static void created_key_is_shown_once_with_its_scopes(void **state)
{
	struct response r;
	(void)state;
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/keys",
	                         "{\"name\":\"Widget on shop.example\",\"scopes\":[\"respond\"]}",
	                         NULL, &r),
	                 0);
	assert_int_equal(r.status, 201);
	json_t *k = response_json(&r);
	const char *secret = json_string_value(json_object_get(k, "secret"));
	const char *id = json_string_value(json_object_get(k, "id"));
	char location[80];
	snprintf(location, sizeof(location), "/v1/keys/%s", id);
	assert_string_equal(response_header(&r, "Location"), location);
	assert_int_equal(strlen(secret), 46);
	assert_string_equal(json_string_value(json_object_get(k, "name")),
	                    "Widget on shop.example");
	assert_memory_equal(json_string_value(json_object_get(k, "prefix")), secret, 12);
	json_t *want = json_pack("[s]", "respond");
	assert_true(json_equal(json_object_get(k, "scopes"), want));
	json_decref(want);
	response_free(&r);

	/* the list shows it without any secret */
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET", "/v1/keys?limit=1000", NULL, NULL, &r),
	                 0);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, secret));
	assert_null(strstr(r.body, "\"secret\""));
	assert_non_null(strstr(r.body, id));
	response_free(&r);
	json_decref(k);
}

static void key_validation_names_each_field(void **state)
{
	struct response r;
	(void)state;
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "POST", "/v1/keys",
	            "{\"name\":\"\",\"scopes\":[\"read\",\"root\",\"read\"],\"extra\":1}", NULL,
	            &r),
	    0);
	assert_int_equal(r.status, 422);
	json_t *j = response_json(&r);
	json_t *want =
	    json_loads("[{\"pointer\":\"/extra\",\"message\":\"unknown field\"},"
	               "{\"pointer\":\"/name\",\"message\":\"must be 1 to 100 characters long\"},"
	               "{\"pointer\":\"/scopes/1\",\"message\":\"must be one of respond, ingest, "
	               "read, points, "
	               "admin\"},"
	               "{\"pointer\":\"/scopes/2\",\"message\":\"is listed twice\"}]",
	               0, NULL);
	assert_true(json_equal(json_object_get(j, "errors"), want));
	assert_string_equal(json_string_value(json_object_get(j, "detail")),
	                    "4 fields are invalid");
	json_decref(want);
	json_decref(j);
	response_free(&r);

	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "POST", "/v1/keys", "{\"name\":\"x\"}", NULL, &r), 0);
	assert_int_equal(r.status, 422);
	assert_true(response_json_equal(
	    &r,
	    "{\"type\":\"urn:loyaltyd:problem:validation\",\"title\":\"Unprocessable "
	    "Content\",\"status\":422,\"detail\":\"/scopes: is "
	    "required\",\"errors\":[{\"pointer\":\"/scopes\",\"message\":\"is required\"}]}",
	    NULL));
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/keys",
	                         "{\"name\":\"x\",\"scopes\":[]}", NULL, &r),
	                 0);
	assert_int_equal(r.status, 422);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, fx.key, "POST", "/v1/keys", "[1,2]", NULL, &r), 0);
	assert_int_equal(r.status, 422);
	assert_true(response_json_equal(
	    &r,
	    "{\"type\":\"urn:loyaltyd:problem:validation\",\"title\":\"Unprocessable "
	    "Content\",\"status\":422,\"detail\":\": must be a JSON "
	    "object\",\"errors\":[{\"pointer\":\"\",\"message\":\"must be a JSON object\"}]}",
	    NULL));
	response_free(&r);
}

static void revoked_key_is_refused_at_once(void **state)
{
	struct response r;
	char k[64], id[37], path[64];
	(void)state;
	create_key(fx.srv.port, fx.key, "[\"admin\"]", k, id);
	assert_int_equal(call_as(fx.srv.port, k, "GET", "/v1/keys", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	response_free(&r);
	snprintf(path, sizeof(path), "/v1/keys/%s", id);
	assert_int_equal(call_as(fx.srv.port, fx.key, "DELETE", path, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 204);
	assert_int_equal(r.body_len, 0);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, k, "GET", "/v1/keys", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	response_free(&r);
	/* revoking again is harmless; the list shows when it was revoked */
	assert_int_equal(call_as(fx.srv.port, fx.key, "DELETE", path, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 204);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET", "/v1/keys?limit=1000", NULL, NULL, &r),
	                 0);
	json_t *page = response_json(&r);
	size_t i;
	json_t *key;
	int seen = 0;
	json_array_foreach (json_object_get(page, "data"), i, key) {
		if (strcmp(json_string_value(json_object_get(key, "id")), id) == 0) {
			seen = 1;
			assert_true(json_is_string(json_object_get(key, "revoked_at")));
		}
	}
	assert_true(seen);
	json_decref(page);
	response_free(&r);
}

static void unknown_or_malformed_key_id_is_404(void **state)
{
	struct response r;
	(void)state;
	assert_int_equal(call_as(fx.srv.port, fx.key, "DELETE",
	                         "/v1/keys/00000000-0000-0000-0000-000000000000", NULL, NULL, &r),
	                 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "DELETE", "/v1/keys/not-a-uuid", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
}

static void tenant_cannot_see_or_revoke_another_tenants_keys(void **state)
{
	struct response r;
	char kb[64], idb[37], path[64];
	(void)state;
	create_key(fx.srv.port, key_b, "[\"read\"]", kb, idb);
	snprintf(path, sizeof(path), "/v1/keys/%s", idb);
	/* tenant A revoking tenant B's key: 404, and B's key keeps working */
	assert_int_equal(call_as(fx.srv.port, fx.key, "DELETE", path, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, key_b, "GET", "/v1/keys?limit=1000", NULL, NULL, &r),
	                 0);
	assert_int_equal(r.status, 200);
	json_t *page = response_json(&r);
	json_t *first = json_array_get(json_object_get(page, "data"), 0);
	assert_string_equal(json_string_value(json_object_get(first, "name")), "admin");
	size_t nb = json_array_size(json_object_get(page, "data"));
	assert_int_equal(nb, 2); /* B's admin key and kb, nothing of A's */
	assert_null(strstr(r.body, fx.key));
	json_decref(page);
	response_free(&r);
	/* and A's list holds none of B's key ids */
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET", "/v1/keys?limit=1000", NULL, NULL, &r),
	                 0);
	assert_null(strstr(r.body, idb));
	response_free(&r);
	/* B's key is still valid (it is read-only, so its admin route answers 403, not 401) */
	assert_int_equal(call_as(fx.srv.port, kb, "GET", "/v1/keys", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	response_free(&r);
}

static void keys_page_with_cursor(void **state)
{
	struct response r;
	char t[37], admin[64], k[64], id[37];
	(void)state;
	create_tenant(fx.srv.port, "Paging shop", t, admin);
	for (int i = 0; i < 4; i++)
		create_key(fx.srv.port, admin, "[\"read\"]", k, id);
	/* 5 keys: the admin key and 4 more, in creation order, two a page */
	char path[128] = "/v1/keys?limit=2";
	size_t total = 0;
	int pages = 0;
	for (;;) {
		assert_int_equal(call_as(fx.srv.port, admin, "GET", path, NULL, NULL, &r), 0);
		assert_int_equal(r.status, 200);
		json_t *page = response_json(&r);
		size_t n = json_array_size(json_object_get(page, "data"));
		total += n;
		pages++;
		json_t *next = json_object_get(page, "next_cursor");
		if (pages < 3) {
			assert_int_equal(n, 2);
			assert_true(json_is_string(next));
			snprintf(path, sizeof(path), "/v1/keys?limit=2&cursor=%s",
			         json_string_value(next));
		} else {
			assert_int_equal(n, 1);
			assert_true(json_is_null(next));
		}
		json_decref(page);
		response_free(&r);
		if (pages == 3)
			break;
	}
	assert_int_equal(total, 5);
	assert_int_equal(call_as(fx.srv.port, admin, "GET", "/v1/keys?limit=0", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 400);
	assert_true(response_json_equal(
	    &r,
	    "{\"type\":\"urn:loyaltyd:problem:invalid-parameter\",\"title\":\"Bad "
	    "Request\",\"status\":400,\"detail\":\"limit: must be a whole number from 1 to "
	    "1000\",\"errors\":[{\"parameter\":\"limit\",\"message\":\"must be a whole number from "
	    "1 to 1000\"}]}",
	    NULL));
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, admin, "GET", "/v1/keys?limit=1001", NULL, NULL, &r),
	                 0);
	assert_int_equal(r.status, 400);
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, admin, "GET", "/v1/keys?cursor=abc", NULL, NULL, &r),
	                 0);
	assert_int_equal(r.status, 400);
	assert_true(response_json_equal(
	    &r,
	    "{\"type\":\"urn:loyaltyd:problem:invalid-parameter\",\"title\":\"Bad "
	    "Request\",\"status\":400,\"detail\":\"cursor: is not a cursor this service "
	    "returned\",\"errors\":[{\"parameter\":\"cursor\",\"message\":\"is not a cursor this "
	    "service returned\"}]}",
	    NULL));
	response_free(&r);
}

static void admin_route_needs_the_admin_token(void **state)
{
	struct response r;
	(void)state;
	assert_int_equal(call_as(fx.srv.port, "not-the-token", "POST", "/v1/admin/tenants",
	                         "{\"name\":\"x\"}", NULL, &r),
	                 0);
	assert_int_equal(r.status, 401);
	response_free(&r);
	assert_int_equal(
	    call_as(fx.srv.port, NULL, "POST", "/v1/admin/tenants", "{\"name\":\"x\"}", NULL, &r),
	    0);
	assert_int_equal(r.status, 401);
	response_free(&r);
	/* an API key with every scope is still not the admin token */
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "POST", "/v1/admin/tenants", "{\"name\":\"x\"}", NULL, &r),
	    0);
	assert_int_equal(r.status, 401);
	response_free(&r);
}

static void tenant_creation_validates_its_name(void **state)
{
	struct response r;
	(void)state;
	assert_int_equal(call_as(fx.srv.port, ADMIN_TOKEN, "POST", "/v1/admin/tenants",
	                         "{\"name\":\"\"}", NULL, &r),
	                 0);
	assert_int_equal(r.status, 422);
	assert_true(response_json_equal(
	    &r,
	    "{\"type\":\"urn:loyaltyd:problem:validation\",\"title\":\"Unprocessable "
	    "Content\",\"status\":422,\"detail\":\"/name: must be 1 to 200 characters "
	    "long\",\"errors\":[{\"pointer\":\"/name\",\"message\":\"must be 1 to 200 characters "
	    "long\"}]}",
	    NULL));
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, ADMIN_TOKEN, "POST", "/v1/admin/tenants",
	                         "{\"title\":\"x\"}", NULL, &r),
	                 0);
	assert_int_equal(r.status, 422);
	assert_true(response_json_equal(
	    &r,
	    "{\"type\":\"urn:loyaltyd:problem:validation\",\"title\":\"Unprocessable "
	    "Content\",\"status\":422,\"detail\":\"2 fields are "
	    "invalid\",\"errors\":[{\"pointer\":\"/title\",\"message\":\"unknown "
	    "field\"},{\"pointer\":\"/name\",\"message\":\"is required\"}]}",
	    NULL));
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, ADMIN_TOKEN, "POST", "/v1/admin/tenants",
	                         "{\"name\":\"Кав'ярня «Зерно»\"}", NULL, &r),
	                 0);
	assert_int_equal(r.status, 201);
	json_t *j = response_json(&r);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(j, "tenant"), "name")),
	    "Кав'ярня «Зерно»");
	json_t *scopes = json_object_get(json_object_get(j, "api_key"), "scopes");
	assert_int_equal(json_array_size(scopes), 5);
	json_decref(j);
	response_free(&r);
}

static void revocation_reaches_another_process_at_once(void **state)
{
	struct server other;
	struct response r;
	char k[64], kid[37], path[64];
	(void)state;
	server_start(&other, NULL);
	create_key(fx.srv.port, fx.key, "[\"admin\"]", k, kid);
	/* the key is now cached in the other process, after its revocation listener started */
	for (int i = 0; i < 3; i++) {
		usleep(200000);
		assert_int_equal(call_as(other.port, k, "GET", "/v1/keys", NULL, NULL, &r), 0);
		assert_int_equal(r.status, 200);
		response_free(&r);
	}
	/* revoked through the first process */
	snprintf(path, sizeof(path), "/v1/keys/%s", kid);
	assert_int_equal(call_as(fx.srv.port, fx.key, "DELETE", path, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 204);
	response_free(&r);
	/* the other process refuses it within a second (NOTIFY loyaltyd_keys) */
	long t0 = now_ms();
	int status = 200;
	while (status == 200 && now_ms() - t0 < 1000) {
		assert_int_equal(call_as(other.port, k, "GET", "/v1/keys", NULL, NULL, &r), 0);
		status = r.status;
		response_free(&r);
		if (status == 200)
			usleep(20000);
	}
	assert_int_equal(status, 401);
	assert_int_equal(server_stop(&other), 0);
}

static void admin_route_is_absent_without_a_token(void **state)
{
	struct server other;
	struct response r;
	const char *env[] = {"LOYALTYD_ADMIN_TOKEN=", NULL};
	const char *h[] = {"Authorization: Bearer ", "Content-Type: application/json", NULL};
	(void)state;
	server_start(&other, env);
	assert_int_equal(http(other.port, "POST", "/v1/admin/tenants", h, "{\"name\":\"x\"}", &r),
	                 0);
	assert_int_equal(r.status, 404);
	response_free(&r);
	assert_int_equal(server_stop(&other), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(no_key_is_401),
	    cmocka_unit_test(wrong_key_is_401),
	    cmocka_unit_test(wrong_scope_is_403),
	    cmocka_unit_test(created_key_is_shown_once_with_its_scopes),
	    cmocka_unit_test(key_validation_names_each_field),
	    cmocka_unit_test(revoked_key_is_refused_at_once),
	    cmocka_unit_test(unknown_or_malformed_key_id_is_404),
	    cmocka_unit_test(tenant_cannot_see_or_revoke_another_tenants_keys),
	    cmocka_unit_test(keys_page_with_cursor),
	    cmocka_unit_test(admin_route_needs_the_admin_token),
	    cmocka_unit_test(tenant_creation_validates_its_name),
	    cmocka_unit_test(revocation_reaches_another_process_at_once),
	    cmocka_unit_test(admin_route_is_absent_without_a_token),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
