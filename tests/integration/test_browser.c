/* test_browser.c - the dashboard and the NPS widget in headless Chromium: starts loyaltyd
 * (CORS open to the shop page's origin) with two fresh tenants, one to seed and one left
 * empty, and runs tests/e2e/browser.mjs (playwright-core driving /usr/bin/chromium), which
 * seeds known data through the API and asserts what the pages show and store (the event
 * endpoints' deliveries too: private http receivers allowed, the dispatcher polling every
 * 100 ms). Screenshots land in e2e-screenshots/ of the test directory (build-test/tests). */
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

#include "harness.h"

static void dashboard_and_widget_in_chromium(void **state)
{
	(void)state;
	struct server s;
	char origin[64], cors[96], url[64], tenant[37], admin[64], empty_tenant[37],
	    empty_admin[64];
	char empty_read[64], key_id[37], out[512], cwd[400];
	int host_port = free_port();
	snprintf(origin, sizeof(origin), "http://127.0.0.1:%d", host_port);
	snprintf(cors, sizeof(cors), "LOYALTYD_CORS_ORIGINS=%s", origin);
	/* the event endpoints' receivers are local (http, 127.0.0.1), found within 100 ms */
	const char *env[] = {cors, "LOYALTYD_OUTBOUND_ALLOW_PRIVATE=1",
	                     "LOYALTYD_OUTBOUND_POLL_MS=100", NULL};
	server_start(&s, env);
	create_tenant(s.port, "Browser shop", tenant, admin);
	create_tenant(s.port, "New shop", empty_tenant, empty_admin);
	create_key(s.port, empty_admin, "[\"read\"]", empty_read, key_id);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", s.port);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(out, sizeof(out), "%s/e2e-screenshots", cwd);

	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char port_text[16];
		snprintf(port_text, sizeof(port_text), "%d", host_port);
		setenv("LOYALTYD_URL", url, 1);
		setenv("ADMIN_KEY", admin, 1);
		setenv("EMPTY_READ_KEY", empty_read, 1);
		setenv("HOST_PORT", port_text, 1);
		setenv("E2E_OUT", out, 1);
		setenv("E2E_TOOLS", SOURCE_DIR "/scripts/tools/node_modules", 1);
		/* node is not built with the sanitizers: keep their settings away from it */
		unsetenv("LD_PRELOAD");
		execlp("node", "node", SOURCE_DIR "/tests/e2e/browser.mjs", (char *)NULL);
		_exit(127);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	/* what the widget stored, seen from the database itself: the answer of 9 by c06 */
	assert_int_equal(db_long("SELECT count(*) FROM survey_responses r JOIN customers c "
	                         "ON c.tenant_id = r.tenant_id AND c.id = r.customer_id "
	                         "WHERE r.tenant_id = $1 AND c.external_id = 'c06' AND r.score = 9 "
	                         "AND r.comment = 'Quick and friendly' AND r.channel = 'web'",
	                         tenant),
	                 1);
	assert_int_equal(server_stop(&s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(dashboard_and_widget_in_chromium),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
