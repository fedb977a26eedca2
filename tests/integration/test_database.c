/* test_database.c - loyaltyd and its PostgreSQL: readiness across a database restart with
 * no restart of loyaltyd, the pool's checkout timeout (503 + Retry-After), migrations run
 * by two processes at once, serve refusing a schema behind or ahead, and the
 * 'tenant create' command. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "harness.h"
#include "store/migrate.h"

static PGconn *connect_url(const char *url)
{
	PGconn *c = PQconnectdb(url);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	return c;
}

static void exec_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
}

static char *scalar(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	char *v = strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

/* A fresh empty database; writes its URL (same server as the test database). */
static void create_database(const char *name, char *url, size_t urllen)
{
	char sql[128];
	PGconn *admin = connect_url(getenv("LOYALTYD_TEST_ADMIN_URL"));
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", name);
	exec_ok(admin, sql);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	exec_ok(admin, sql);
	PQfinish(admin);
	const char *base = getenv("LOYALTYD_TEST_ADMIN_URL");
	const char *slash = strrchr(base, '/');
	snprintf(url, urllen, "%.*s/%s", (int)(slash - base), base, name);
}

static void drop_database(const char *name)
{
	char sql[128];
	PGconn *admin = connect_url(getenv("LOYALTYD_TEST_ADMIN_URL"));
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	exec_ok(admin, sql);
	PQfinish(admin);
}

/* Runs loyaltyd with args against url; returns its exit status and its output. */
static int run_loyaltyd(const char *url, const char *args, char *out, size_t outlen)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "LOYALTYD_DATABASE_URL='%s' '%s' %s 2>&1", url, LOYALTYD_BIN,
	         args);
	FILE *p = popen(cmd, "r");
	size_t n = fread(out, 1, outlen - 1, p);
	out[n] = '\0';
	int status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* How many lines of the server's log hold text. */
static int log_lines(const struct server *srv, const char *text)
{
	FILE *f = fopen(srv->log_path, "r");
	char line[8192];
	int n = 0;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, text) != NULL && line[0] == '{';
	fclose(f);
	return n;
}

static void readyz_follows_the_database_without_a_restart(void **state)
{
	struct server srv;
	struct response r;
	char tenant[37], key[64];
	(void)state;
	server_start(&srv, NULL);
	create_tenant(srv.port, "Outage shop", tenant, key);

	assert_int_equal(pg_ctl_action("stop"), 0);
	for (int i = 0; i < 5; i++) { /* each tries to connect, and fails */
		assert_int_equal(http(srv.port, "GET", "/readyz", NULL, NULL, &r), 0);
		assert_int_equal(r.status, 503);
		response_free(&r);
	}
	long t0 = now_ms();
	assert_int_equal(http(srv.port, "GET", "/readyz", NULL, NULL, &r), 0);
	assert_true(now_ms() - t0 < 2000);
	assert_int_equal(r.status, 503);
	assert_string_equal(response_header(&r, "Retry-After"), "1");
	assert_string_equal(response_header(&r, "Content-Type"), "application/problem+json");
	response_free(&r);
	/* a keyed request cannot be authenticated either: 503, not 401 */
	t0 = now_ms();
	assert_int_equal(call_as(srv.port, key, "GET", "/v1/keys", NULL, NULL, &r), 0);
	assert_true(now_ms() - t0 < 2000);
	assert_int_equal(r.status, 503);
	assert_non_null(response_header(&r, "Retry-After"));
	response_free(&r);
	/* the process itself is alive */
	assert_int_equal(http(srv.port, "GET", "/healthz", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	response_free(&r);

	assert_int_equal(pg_ctl_action("start"), 0);
	long back = now_ms();
	int ready = 0;
	while (!ready && now_ms() - back < 5000) {
		assert_int_equal(http(srv.port, "GET", "/readyz", NULL, NULL, &r), 0);
		ready = r.status == 200;
		response_free(&r);
		if (!ready)
			usleep(100000);
	}
	assert_true(ready);
	/* every pooled connection was broken by the restart; requests still succeed */
	for (int i = 0; i < 8; i++) {
		assert_int_equal(call_as(srv.port, key, "GET", "/v1/keys", NULL, NULL, &r), 0);
		assert_int_equal(r.status, 200);
		response_free(&r);
	}
	assert_int_equal(http(srv.port, "GET", "/metrics", NULL, NULL, &r), 0);
	assert_null(strstr(r.body, "loyaltyd_db_reconnects_total 0\n"));
	response_free(&r);
	assert_int_equal(server_stop(&srv), 0);
	/* the outage was logged once, not once per failed connection attempt, and its end
	 * with the count of attempts */
	assert_int_equal(log_lines(&srv, "\"msg\":\"database connection failed"), 1);
	assert_int_equal(log_lines(&srv, "\"msg\":\"database connection restored\""), 1);
}

/* A server NOTICE reaches the JSON log as one line of its own. */
static void postgresql_notices_go_through_the_json_log(void **state)
{
	struct server srv;
	char tenant[37], key[64];
	(void)state;
	PGconn *c = connect_url(getenv("LOYALTYD_TEST_DATABASE_URL"));
	exec_ok(c, "CREATE FUNCTION test_notice() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
	           "RAISE NOTICE 'test notice 42'; RETURN NULL; END $$");
	exec_ok(c, "CREATE TRIGGER test_notice AFTER INSERT ON events FOR EACH ROW WHEN "
	           "(NEW.client_id = 'noticed-1') EXECUTE FUNCTION test_notice()");
	server_start(&srv, NULL);
	create_tenant(srv.port, "Notice shop", tenant, key);
	json_decref(api_json(srv.port, key, "POST", "/v1/events",
	                     "{\"id\":\"noticed-1\",\"customer_id\":\"n\",\"type\":\"visit\","
	                     "\"occurred_at\":\"2026-01-01T00:00:00Z\"}",
	                     200));
	assert_int_equal(server_stop(&srv), 0);
	exec_ok(c, "DROP TRIGGER test_notice ON events; DROP FUNCTION test_notice()");
	PQfinish(c);
	assert_int_equal(log_lines(&srv, "\"level\":\"info\",\"msg\":\"postgresql notice\","
	                                 "\"severity\":\"NOTICE\",\"sqlstate\":\"00000\","
	                                 "\"detail\":\"test notice 42\"}"),
	                 1);
	/* and never as a raw line */
	assert_int_equal(log_lines(&srv, "NOTICE:  test notice 42\n"), 0);
}

static void busy_pool_answers_503_with_retry_after(void **state)
{
	struct server srv;
	struct response r;
	char tenant[37], key[64], auth[96], req[256];
	const char *env[] = {"LOYALTYD_DB_POOL=1", "LOYALTYD_DB_CHECKOUT_MS=200", NULL};
	(void)state;
	server_start(&srv, env);
	create_tenant(srv.port, "Busy shop", tenant, key);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", key); /* for the raw request */

	/* hold a lock the key lookup needs, so the only connection stays busy */
	PGconn *locker = connect_url(getenv("LOYALTYD_TEST_DATABASE_URL"));
	exec_ok(locker, "BEGIN");
	exec_ok(locker, "LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE");
	int fd = conn_open(srv.port);
	int n = snprintf(req, sizeof(req), "GET /v1/keys HTTP/1.1\r\nHost: t\r\n%s\r\n\r\n", auth);
	assert_int_equal(conn_send(fd, req, (size_t)n), 0);
	usleep(300000);

	long t0 = now_ms();
	assert_int_equal(call_as(srv.port, key, "GET", "/v1/keys", NULL, NULL, &r), 0);
	long waited = now_ms() - t0;
	assert_int_equal(r.status, 503);
	assert_string_equal(response_header(&r, "Retry-After"), "1");
	json_t *j = response_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "detail")),
	                    "the service is busy; retry shortly");
	json_decref(j);
	response_free(&r);
	assert_true(waited >= 180 && waited < 2000);

	assert_int_equal(http(srv.port, "GET", "/metrics", NULL, NULL, &r), 0);
	assert_non_null(strstr(r.body, "loyaltyd_db_pool_in_use 1\n"));
	assert_non_null(strstr(r.body, "loyaltyd_db_pool_timeouts_total 1\n"));
	response_free(&r);

	exec_ok(locker, "COMMIT");
	PQfinish(locker);
	assert_int_equal(conn_read_response(fd, &r), 0);
	assert_int_equal(r.status, 200);
	response_free(&r);
	close(fd);
	assert_int_equal(server_stop(&srv), 0);
}

static void two_migrations_at_once_apply_each_version_once(void **state)
{
	char url[512], out1[4096], out2[4096];
	(void)state;
	create_database("loyaltyd_mig_race", url, sizeof(url));
	pid_t pid = fork();
	if (pid == 0) {
		int rc = run_loyaltyd(url, "migrate", out2, sizeof(out2));
		_exit(rc);
	}
	int rc1 = run_loyaltyd(url, "migrate", out1, sizeof(out1));
	int status;
	waitpid(pid, &status, 0);
	assert_int_equal(rc1, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	PGconn *c = connect_url(url);
	char *count = scalar(c, "SELECT count(*) FROM schema_migrations");
	char *max = scalar(c, "SELECT max(version) FROM schema_migrations");
	char want[16];
	snprintf(want, sizeof(want), "%d", migrate_latest_version());
	assert_string_equal(max, want);
	assert_string_equal(count, want); /* versions are 1..N without gaps */
	free(count);
	free(max);
	/* a third run finds nothing to do */
	assert_int_equal(run_loyaltyd(url, "migrate", out1, sizeof(out1)), 0);
	assert_non_null(strstr(out1, "(0 migrations applied)"));
	PQfinish(c);
	drop_database("loyaltyd_mig_race");
}

static void serve_refuses_a_schema_behind_or_ahead(void **state)
{
	char url[512], out[4096];
	(void)state;
	create_database("loyaltyd_mig_check", url, sizeof(url));
	assert_int_equal(run_loyaltyd(url, "serve", out, sizeof(out)), 1);
	assert_non_null(strstr(out, "run 'loyaltyd migrate' first"));

	assert_int_equal(run_loyaltyd(url, "migrate", out, sizeof(out)), 0);
	PGconn *c = connect_url(url);
	exec_ok(c,
	        "INSERT INTO schema_migrations (version, name) VALUES (9999, 'from_the_future')");
	PQfinish(c);
	assert_int_equal(run_loyaltyd(url, "serve", out, sizeof(out)), 1);
	assert_non_null(strstr(out, "is at version 9999, newer than this loyaltyd"));
	assert_int_equal(run_loyaltyd(url, "migrate", out, sizeof(out)), 1);
	assert_non_null(strstr(out, "upgrade loyaltyd"));
	drop_database("loyaltyd_mig_check");
}

static void tenant_create_command_prints_a_working_key(void **state)
{
	char out[4096];
	struct server srv;
	struct response r;
	(void)state;
	assert_int_equal(run_loyaltyd(getenv("LOYALTYD_TEST_DATABASE_URL"),
	                              "tenant create 'CLI shop' 2>/dev/null", out, sizeof(out)),
	                 0);
	json_t *j = json_loads(out, 0, NULL);
	assert_non_null(j);
	const char *id = json_string_value(json_object_get(json_object_get(j, "tenant"), "id"));
	const char *secret =
	    json_string_value(json_object_get(json_object_get(j, "api_key"), "secret"));
	assert_int_equal(strlen(id), 36);
	assert_int_equal(strlen(secret), 46);
	server_start(&srv, NULL);
	assert_int_equal(call_as(srv.port, secret, "GET", "/v1/keys", NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	response_free(&r);
	assert_int_equal(server_stop(&srv), 0);
	json_decref(j);

	assert_int_equal(run_loyaltyd(getenv("LOYALTYD_TEST_DATABASE_URL"), "tenant create ''", out,
	                              sizeof(out)),
	                 2);
	assert_int_equal(run_loyaltyd("", "serve", out, sizeof(out)), 2);
	assert_non_null(strstr(out, "LOYALTYD_DATABASE_URL is required"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(readyz_follows_the_database_without_a_restart),
	    cmocka_unit_test(busy_pool_answers_503_with_retry_after),
	    cmocka_unit_test(postgresql_notices_go_through_the_json_log),
	    cmocka_unit_test(two_migrations_at_once_apply_each_version_once),
	    cmocka_unit_test(serve_refuses_a_schema_behind_or_ahead),
	    cmocka_unit_test(tenant_create_command_prints_a_working_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
