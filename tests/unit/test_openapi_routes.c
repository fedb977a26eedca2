/* test_openapi_routes.c - openapi.yaml and the route table list the same routes, both
 * ways, and the binary serves the same openapi.yaml as the repository holds.
 *
 * The spec's paths are read from its "paths:" block by indentation (two spaces for a
 * path, four for a method), which redocly lint (scripts/test.sh) keeps well-formed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "embedded.h"
#include "routes.h"

#define MAX_OPS 256

struct op {
	char method[8];
	char path[200];
};

static size_t spec_operations(const char *yaml, struct op *ops)
{
	static const char *const methods[] = {"get", "put", "post", "delete", "patch", NULL};
	size_t n = 0;
	char path[200] = "";
	int in_paths = 0;
	const char *line = yaml;
	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[256];
		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		if (strcmp(buf, "paths:") == 0) {
			in_paths = 1;
		} else if (in_paths && buf[0] != ' ' && buf[0] != '\0') {
			in_paths = 0;
		} else if (in_paths && strncmp(buf, "  /", 3) == 0 && buf[len - 1] == ':') {
			snprintf(path, sizeof(path), "%.*s", (int)(len - 3), buf + 2);
		} else if (in_paths && strncmp(buf, "    ", 4) == 0 && buf[4] != ' ') {
			for (int m = 0; methods[m]; m++) {
				size_t ml = strlen(methods[m]);
				if (strncmp(buf + 4, methods[m], ml) == 0 && buf[4 + ml] == ':' &&
				    n < MAX_OPS) {
					for (size_t k = 0; k <= ml; k++)
						ops[n].method[k] =
						    (char)(methods[m][k] >= 'a' &&
						                   methods[m][k] <= 'z'
						               ? methods[m][k] - 32
						               : methods[m][k]);
					snprintf(ops[n].path, sizeof(ops[n].path), "%s", path);
					n++;
				}
			}
		}
		line = end ? end + 1 : NULL;
	}
	return n;
}

static void every_route_is_in_the_spec(void **state)
{
	struct op ops[MAX_OPS];
	(void)state;
	size_t n = spec_operations(embedded_openapi.data, ops);
	for (size_t i = 0; i < routes_count; i++) {
		int found = 0;
		for (size_t k = 0; k < n && !found; k++)
			found = strcmp(ops[k].method, routes[i].method) == 0 &&
			        strcmp(ops[k].path, routes[i].pattern) == 0;
		if (!found)
			fail_msg("route %s %s is missing from openapi.yaml", routes[i].method,
			         routes[i].pattern);
	}
}

static void every_spec_operation_is_routed(void **state)
{
	struct op ops[MAX_OPS];
	(void)state;
	size_t n = spec_operations(embedded_openapi.data, ops);
	assert_true(n >= routes_count);
	for (size_t k = 0; k < n; k++) {
		int found = 0;
		for (size_t i = 0; i < routes_count && !found; i++)
			found = strcmp(ops[k].method, routes[i].method) == 0 &&
			        strcmp(ops[k].path, routes[i].pattern) == 0;
		if (!found)
			fail_msg("openapi.yaml lists %s %s, which no route serves", ops[k].method,
			         ops[k].path);
	}
	assert_int_equal(n, routes_count);
}

static void embedded_spec_is_the_repository_file(void **state)
{
	(void)state;
	FILE *f = fopen(OPENAPI_PATH, "rb");
	assert_non_null(f);
	char *buf = malloc(embedded_openapi.len + 2);
	size_t got = fread(buf, 1, embedded_openapi.len + 1, f);
	fclose(f);
	assert_int_equal(got, embedded_openapi.len);
	assert_memory_equal(buf, embedded_openapi.data, got);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_route_is_in_the_spec),
	    cmocka_unit_test(every_spec_operation_is_routed),
	    cmocka_unit_test(embedded_spec_is_the_repository_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
