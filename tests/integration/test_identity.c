/* test_identity.c - identity verification of survey answers (/v1/identity-verification):
 * its settings and secrets, and an answer through a respond key that names a customer
 * refused (422, nothing stored) without the right customer_hash once the tenant requires
 * it; rotation with two secrets; keys with the ingest scope and anonymous answers exempt;
 * another tenant's secrets out of reach. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "harness.h"

static struct fixture fx;
static char respond[64], ingest[64], path[128];

static int setup(void **state)
{
	char id[37];
	fixture_setup(state, &fx, NULL, "Identity shop");
	create_key(fx.srv.port, fx.key, "[\"respond\"]", respond, id);
	create_key(fx.srv.port, fx.key, "[\"ingest\"]", ingest, id);
	create_nps_survey(fx.srv.port, fx.key, path);
	return 0;
}

/* hex HMAC-SHA256(secret, customer): what a shop's backend computes */
static void customer_hash(const char *secret, const char *customer, char out[65])
{
	unsigned char mac[32];
	unsigned int n = 0;
	assert_non_null(HMAC(EVP_sha256(), secret, (int)strlen(secret),
	                     (const unsigned char *)customer, strlen(customer), mac, &n));
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", mac[i]);
}

static long answers(void)
{
	return db_long("SELECT count(*) FROM survey_responses WHERE tenant_id = $1", fx.tenant);
}

/* Posts an answer of 9 with key; returns the status after checking a 422's one error. */
static int answer(const char *key, const char *customer, const char *hash, const char *message)
{
	char body[512];
	struct response r;
	int n = snprintf(body, sizeof(body), "{\"score\":9");
	if (customer)
		n += snprintf(body + n, sizeof(body) - (size_t)n, ",\"customer_id\":\"%s\"",
		              customer);
	if (hash)
		n +=
		    snprintf(body + n, sizeof(body) - (size_t)n, ",\"customer_hash\":\"%s\"", hash);
	snprintf(body + n, sizeof(body) - (size_t)n, "}");
	assert_int_equal(call_as(fx.srv.port, key, "POST", path, body, NULL, &r), 0);
	int status = r.status;
	if (message)
		assert_true(response_single_error(&r, 422, "/customer_hash", message));
	response_free(&r);
	return status;
}

static void settings_and_secrets(void **state)
{
	(void)state;
	json_t *j = api_json(fx.srv.port, fx.key, "GET", "/v1/identity-verification", NULL, 200);
	assert_false(json_is_true(json_object_get(j, "required")));
	assert_int_equal(json_array_size(json_object_get(j, "secrets")), 0);
	json_decref(j);

	/* not without a secret */
	struct response r;
	assert_int_equal(call_as(fx.srv.port, fx.key, "PUT", "/v1/identity-verification",
	                         "{\"required\":true}", NULL, &r),
	                 0);
	assert_true(response_single_error(
	    &r, 422, "/required", "needs a secret first: POST /v1/identity-verification/secrets"));
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, fx.key, "PUT", "/v1/identity-verification",
	                         "{\"required\":\"yes\"}", NULL, &r),
	                 0);
	assert_true(response_single_error(&r, 422, "/required", "is required: true or false"));
	response_free(&r);
	assert_int_equal(call_as(fx.srv.port, fx.key, "PUT", "/v1/identity-verification",
	                         "{\"required\":false,\"secret\":\"x\"}", NULL, &r),
	                 0);
	assert_int_equal(r.status, 422);
	response_free(&r);

	/* two secrets, shown once each; a third is refused */
	json_t *a =
	    api_json(fx.srv.port, fx.key, "POST", "/v1/identity-verification/secrets", NULL, 201);
	json_t *b =
	    api_json(fx.srv.port, fx.key, "POST", "/v1/identity-verification/secrets", NULL, 201);
	const char *sa = json_string_value(json_object_get(a, "secret"));
	assert_int_equal(strlen(sa), 68);
	assert_memory_equal(sa, "lis_", 4);
	assert_string_not_equal(sa, json_string_value(json_object_get(b, "secret")));
	assert_int_equal(strlen(json_string_value(json_object_get(a, "fingerprint"))), 12);
	json_decref(
	    api_json(fx.srv.port, fx.key, "POST", "/v1/identity-verification/secrets", NULL, 409));
	j = api_json(fx.srv.port, fx.key, "GET", "/v1/identity-verification", NULL, 200);
	json_t *listed = json_object_get(j, "secrets");
	assert_int_equal(json_array_size(listed), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(listed, 0), "id")),
	                    json_string_value(json_object_get(a, "id")));
	assert_null(json_object_get(json_array_get(listed, 0), "secret")); /* never again */
	json_decref(j);

	/* required now: answers through the respond key must prove their customer */
	j = api_json(fx.srv.port, fx.key, "PUT", "/v1/identity-verification", "{\"required\":true}",
	             200);
	assert_true(json_is_true(json_object_get(j, "required")));
	json_decref(j);
	char good_a[65], good_b[65], other[65];
	customer_hash(sa, "c-42", good_a);
	customer_hash(json_string_value(json_object_get(b, "secret")), "c-42", good_b);
	customer_hash(sa, "c-43", other);
	long before = answers();
	assert_int_equal(answer(respond, "c-42", NULL,
	                        "is required: this shop verifies the "
	                        "customer of answers sent from web pages"),
	                 422);
	assert_int_equal(answer(respond, "c-42", other, "does not match customer_id"), 422);
	assert_int_equal(answer(respond, "c-42", "00",
	                        "must be 64 hex digits: HMAC-SHA256 of "
	                        "customer_id"),
	                 422);
	assert_int_equal(answers(), before);
	assert_int_equal(db_long("SELECT count(*) FROM customers WHERE tenant_id = $1 AND "
	                         "external_id = 'c-42'",
	                         fx.tenant),
	                 0); /* a refused answer creates no customer either */
	assert_int_equal(answer(respond, "c-42", good_a, NULL), 201);
	assert_int_equal(answer(respond, "c-42", good_b, NULL), 201); /* either secret */
	for (char *c = good_a; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	assert_int_equal(answer(respond, "c-42", good_a, NULL), 201); /* hex in capitals */
	assert_int_equal(answer(respond, NULL, NULL, NULL), 201);     /* anonymous */
	assert_int_equal(answer(ingest, "c-42", NULL, NULL), 201);    /* the shop's backend */
	assert_int_equal(answers(), before + 5);
	/* a hash without a customer is an error whether required or not */
	assert_int_equal(answer(respond, NULL, other, "is given without customer_id"), 422);

	/* rotation: the old secret goes, the new one still verifies; the last one stays */
	char del[128];
	snprintf(del, sizeof(del), "/v1/identity-verification/secrets/%s",
	         json_string_value(json_object_get(a, "id")));
	json_decref(api_json(fx.srv.port, fx.key, "DELETE", del, NULL, 204));
	json_decref(api_json(fx.srv.port, fx.key, "DELETE", del, NULL, 404));
	customer_hash(sa, "c-42", good_a);
	assert_int_equal(answer(respond, "c-42", good_a, "does not match customer_id"), 422);
	assert_int_equal(answer(respond, "c-42", good_b, NULL), 201);
	snprintf(del, sizeof(del), "/v1/identity-verification/secrets/%s",
	         json_string_value(json_object_get(b, "id")));
	json_decref(api_json(fx.srv.port, fx.key, "DELETE", del, NULL, 409));
	json_decref(api_json(fx.srv.port, fx.key, "PUT", "/v1/identity-verification",
	                     "{\"required\":false}", 200));
	assert_int_equal(answer(respond, "c-42", NULL, NULL), 201); /* not required any more */
	json_decref(api_json(fx.srv.port, fx.key, "DELETE", del, NULL, 204));
	j = api_json(fx.srv.port, fx.key, "GET", "/v1/identity-verification", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "secrets")), 0);
	json_decref(j);
	json_decref(a);
	json_decref(b);
}

static void other_tenants_and_scopes(void **state)
{
	(void)state;
	char t2[37], admin2[64], read2[64], id[37];
	create_tenant(fx.srv.port, "Other shop", t2, admin2);
	create_key(fx.srv.port, admin2, "[\"read\"]", read2, id);
	json_t *mine =
	    api_json(fx.srv.port, fx.key, "POST", "/v1/identity-verification/secrets", NULL, 201);
	json_decref(api_json(fx.srv.port, fx.key, "PUT", "/v1/identity-verification",
	                     "{\"required\":true}", 200));
	char del[128];
	snprintf(del, sizeof(del), "/v1/identity-verification/secrets/%s",
	         json_string_value(json_object_get(mine, "id")));
	/* the other tenant sees nothing of it and cannot delete it */
	json_t *j = api_json(fx.srv.port, admin2, "GET", "/v1/identity-verification", NULL, 200);
	assert_false(json_is_true(json_object_get(j, "required")));
	assert_int_equal(json_array_size(json_object_get(j, "secrets")), 0);
	json_decref(j);
	json_decref(api_json(fx.srv.port, admin2, "DELETE", del, NULL, 404));
	assert_int_equal(
	    db_long("SELECT count(*) FROM identity_secrets WHERE tenant_id = $1", fx.tenant), 1);
	/* only admin keys manage it */
	json_decref(api_json(fx.srv.port, read2, "GET", "/v1/identity-verification", NULL, 403));
	json_decref(
	    api_json(fx.srv.port, respond, "POST", "/v1/identity-verification/secrets", NULL, 403));
	json_decref(mine);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(settings_and_secrets),
	    cmocka_unit_test(other_tenants_and_scopes),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
