/* test_secrets.c - API keys, webhook secrets, the admin token and the database password
 * never appear in the log, in an error answer or on the process's command line, after a
 * run that creates and uses all of them and fails in every way it can: wrong keys, a
 * revoked key, a wrong admin token, bad webhook signatures, a database error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "domain/webhook_sig.h"
#include "harness.h"

#define WEBHOOK_SECRET "whsec-do-not-leak-0123456789"
#define WEBHOOK_SECRET2 "whsec-second-do-not-leak-42"

static char secrets[12][128];
static int nsecrets;

static void secret(const char *s)
{
	snprintf(secrets[nsecrets++], sizeof(secrets[0]), "%s", s);
}

/* Fails when text holds any secret (or the part of an API key after its 12-character
 * clear prefix). */
static void assert_clean(const char *what, const char *text)
{
	for (int i = 0; i < nsecrets; i++) {
		const char *s = secrets[i];
		const char *tail = strncmp(s, "lk_", 3) == 0 ? s + 12 : s;
		if (strstr(text, s) || strstr(text, tail))
			fail_msg("%s holds secret %d", what, i);
	}
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = calloc(1, 1 << 24);
	*len = fread(buf, 1, (1 << 24) - 1, f);
	fclose(f);
	for (size_t i = 0; i < *len; i++)
		if (buf[i] == '\0')
			buf[i] = ' '; /* /proc/…/cmdline separates its words with NULs */
	return buf;
}

/* Sends and checks that the answer (unless allowed to hold secrets) is clean. */
static int clean_status(int port, const char *key, const char *method, const char *path,
                        const char *body, const char *const *headers)
{
	struct response r;
	assert_int_equal(call_as(port, key, method, path, body, headers, &r), 0);
	char what[256];
	snprintf(what, sizeof(what), "the answer to %s %s (%d)", method, path, r.status);
	assert_clean(what, r.head);
	assert_clean(what, r.body);
	int status = r.status;
	response_free(&r);
	return status;
}

static void no_secret_in_logs_errors_or_command_line(void **state)
{
	(void)state;
	struct server s;
	char tenant[37], key[64], key2[64], key2_id[37], path[160];
	server_start(&s, NULL);
	create_tenant(s.port, "Secretive", tenant, key);
	create_key(s.port, key, "[\"read\"]", key2, key2_id);
	secret(ADMIN_TOKEN);
	secret(key);
	secret(key2);
	secret(WEBHOOK_SECRET);
	secret(WEBHOOK_SECRET2);
	const char *url = getenv("LOYALTYD_TEST_DATABASE_URL");
	const char *colon = strchr(url + strlen("postgresql://"), ':');
	const char *at = strchr(url, '@');
	char password[128];
	snprintf(password, sizeof(password), "%.*s", (int)(at - colon - 1), colon + 1);
	secret(password);

	assert_int_equal(
	    clean_status(s.port, key, "POST", "/v1/webhook-sources",
	                 "{\"kind\":\"shopify\",\"shop\":\"quiet.myshopify.com\",\"secret\":"
	                 "\"" WEBHOOK_SECRET "\"}",
	                 NULL),
	    201);
	json_t *list = api_json(s.port, key, "GET", "/v1/webhook-sources", NULL, 200);
	snprintf(path, sizeof(path), "/v1/webhook-sources/%s/secrets",
	         json_string_value(
	             json_object_get(json_array_get(json_object_get(list, "data"), 0), "id")));
	json_decref(list);
	assert_int_equal(
	    clean_status(s.port, key, "POST", path, "{\"secret\":\"" WEBHOOK_SECRET2 "\"}", NULL),
	    201);
	assert_int_equal(clean_status(s.port, key, "GET", "/v1/webhook-sources", NULL, NULL), 200);
	assert_int_equal(clean_status(s.port, key, "GET", "/v1/keys", NULL, NULL), 200);
	/* an identity verification secret: shown once (not checked), then never again */
	json_t *idv = api_json(s.port, key, "POST", "/v1/identity-verification/secrets", NULL, 201);
	secret(json_string_value(json_object_get(idv, "secret")));
	json_decref(idv);
	assert_int_equal(clean_status(s.port, key, "PUT", "/v1/identity-verification",
	                              "{\"required\":true}", NULL),
	                 200);
	assert_int_equal(clean_status(s.port, key, "GET", "/v1/identity-verification", NULL, NULL),
	                 200);
	json_t *survey = api_json(s.port, key, "POST", "/v1/surveys",
	                          "{\"name\":\"S\",\"kind\":\"nps\",\"question\":\"Q?\"}", 201);
	char rkey[64], rkey_id[37], rpath[128];
	create_key(s.port, key, "[\"respond\"]", rkey, rkey_id);
	secret(rkey);
	snprintf(rpath, sizeof(rpath), "/v1/surveys/%s/responses",
	         json_string_value(json_object_get(survey, "id")));
	json_decref(survey);
	assert_int_equal(
	    clean_status(s.port, rkey, "POST", rpath,
	                 "{\"score\":9,\"customer_id\":\"c\",\"customer_hash\":"
	                 "\"0000000000000000000000000000000000000000000000000000000000000000\"}",
	                 NULL),
	    422);

	/* a key that differs from a real one in its last character, and one cut short */
	char wrong[64];
	snprintf(wrong, sizeof(wrong), "%s", key);
	wrong[strlen(wrong) - 1] = wrong[strlen(wrong) - 1] == 'A' ? 'B' : 'A';
	assert_int_equal(clean_status(s.port, wrong, "GET", "/v1/customers", NULL, NULL), 401);
	snprintf(wrong, sizeof(wrong), "%.20s", key);
	assert_int_equal(clean_status(s.port, wrong, "GET", "/v1/customers", NULL, NULL), 401);
	assert_int_equal(clean_status(s.port, ADMIN_TOKEN "x", "POST", "/v1/admin/tenants",
	                              "{\"name\":\"x\"}", NULL),
	                 401);
	/* a read key where admin is needed, then revoked */
	assert_int_equal(clean_status(s.port, key2, "GET", "/v1/keys", NULL, NULL), 403);
	snprintf(path, sizeof(path), "/v1/keys/%s", key2_id);
	assert_int_equal(clean_status(s.port, key, "DELETE", path, NULL, NULL), 204);
	assert_int_equal(clean_status(s.port, key2, "GET", "/v1/customers", NULL, NULL), 401);
	/* webhooks: a wrong signature, one made with the secret over other bytes, bad JSON */
	char sig[WEBHOOK_SIG_B64_LEN + 1], sig_h[96], wpath[96];
	snprintf(wpath, sizeof(wpath), "/v1/webhooks/shopify/%s", tenant);
	assert_int_equal(webhook_sig_sign(WEBHOOK_SECRET, strlen(WEBHOOK_SECRET), "{}", 2, sig), 0);
	snprintf(sig_h, sizeof(sig_h), "X-Shopify-Hmac-Sha256: %s", sig);
	const char *hs[] = {sig_h, "X-Shopify-Topic: orders/create", NULL};
	assert_int_equal(clean_status(s.port, NULL, "POST", wpath, "{\"id\":1}", hs), 401);
	assert_int_equal(
	    webhook_sig_sign(WEBHOOK_SECRET, strlen(WEBHOOK_SECRET), "{\"id\":", 6, sig), 0);
	snprintf(sig_h, sizeof(sig_h), "X-Shopify-Hmac-Sha256: %s", sig);
	assert_int_equal(clean_status(s.port, NULL, "POST", wpath, "{\"id\":", hs), 400);
	/* a database error (an unknown time zone) is logged */
	assert_int_equal(
	    clean_status(s.port, key, "GET", "/v1/reports/nps?tz=Mars/Olympus_Mons", NULL, NULL),
	    400);

	/* the command line */
	char proc[64];
	size_t len;
	snprintf(proc, sizeof(proc), "/proc/%d/cmdline", (int)s.pid);
	char *cmdline = slurp(proc, &len);
	assert_clean("the command line", cmdline);
	assert_non_null(strstr(cmdline, "serve"));
	free(cmdline);

	/* the log, after a clean stop */
	assert_int_equal(server_stop(&s), 0);
	char *log = slurp(s.log_path, &len);
	assert_true(len > 1000);
	assert_non_null(strstr(log, "\"status\":401"));
	assert_non_null(strstr(log, "database error")); /* the log did record the failures */
	assert_clean("the log", log);
	free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(no_secret_in_logs_errors_or_command_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
