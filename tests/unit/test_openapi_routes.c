/* test_openapi_routes.c - openapi.yaml and the route table list the same routes, both
 * ways, each with the same query parameters, and the binary serves the same openapi.yaml
 * as the repository holds.
 *
 * The spec's paths are read from its "paths:" block by indentation (two spaces for a
 * path, four for a method, path-level parameters at four and an operation's at six), and
 * the parameters it refers to from "components: parameters:"; redocly lint
 * (scripts/test.sh) keeps the file well-formed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "base/embedded.h"
#include "dispatch/routes.h"

#define MAX_OPS 256
#define MAX_QUERY 16
#define MAX_COMPONENTS 64

struct op {
	char method[8];
	char path[200];
};

/* One line of the spec (without its end) in buf; returns the next line or NULL. */
static const char *next_line(const char *line, char *buf, size_t cap)
{
	const char *end = strchr(line, '\n');
	size_t len = end ? (size_t)(end - line) : strlen(line);
	if (len >= cap)
		len = cap - 1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	return end ? end + 1 : NULL;
}

static size_t indent_of(const char *s)
{
	return strspn(s, " ");
}

/* The value after "key: " when s is exactly that line at indent, else NULL. */
static const char *field(const char *s, size_t indent, const char *key)
{
	size_t kl = strlen(key);
	if (indent_of(s) != indent || strncmp(s + indent, key, kl) != 0 || s[indent + kl] != ':')
		return NULL;
	return s + indent + kl + (s[indent + kl + 1] == ' ' ? 2 : 1);
}

struct component {
	char key[64];
	char name[64];
	int query; /* in: query */
};

/* components.parameters: each key with its name and whether it is a query parameter. */
static size_t spec_components(const char *yaml, struct component *out)
{
	char buf[256];
	int in_components = 0, in_parameters = 0;
	size_t n = 0;
	for (const char *line = yaml; line && *line;) {
		line = next_line(line, buf, sizeof(buf));
		const char *v;
		if (strcmp(buf, "components:") == 0) {
			in_components = 1;
		} else if (in_components && buf[0] != ' ' && buf[0] != '\0') {
			in_components = 0;
		} else if (in_components && indent_of(buf) == 2 && buf[2] != '\0') {
			in_parameters = strcmp(buf, "  parameters:") == 0;
		} else if (in_parameters && indent_of(buf) == 4 && buf[4] != '\0' &&
		           n < MAX_COMPONENTS) {
			snprintf(out[n].key, sizeof(out[n].key), "%.*s", (int)strcspn(buf + 4, ":"),
			         buf + 4);
			out[n].name[0] = '\0';
			out[n].query = 0;
			n++;
		} else if (in_parameters && n > 0 && (v = field(buf, 6, "name")) != NULL) {
			snprintf(out[n - 1].name, sizeof(out[n - 1].name), "%s", v);
		} else if (in_parameters && n > 0 && (v = field(buf, 6, "in")) != NULL) {
			out[n - 1].query = strcmp(v, "query") == 0;
		}
	}
	return n;
}

struct query_list {
	char path[200];
	char method[8]; /* "" for the parameters of the whole path */
	size_t n;
	char names[MAX_QUERY][64];
};

static void query_add(struct query_list *q, const char *name)
{
	if (q->n == MAX_QUERY)
		fail_msg("%s %s: more than %d query parameters", q->method, q->path, MAX_QUERY);
	snprintf(q->names[q->n++], sizeof(q->names[0]), "%s", name);
}

/* The query parameters the spec declares, per operation and per path (method ""). A
 * parameter is "- name: X" followed by "in: query", or "- $ref:" to a component that is
 * one. */
static size_t spec_query(const char *yaml, struct query_list *out, size_t cap)
{
	static const char *const methods[] = {"get", "put", "post", "delete", "patch", NULL};
	struct component comps[MAX_COMPONENTS];
	size_t ncomps = spec_components(yaml, comps), n = 0;
	char buf[256], path[200] = "", pending[64] = "";
	size_t list_indent = 0; /* indent of the items of the parameters list we are in */
	int in_paths = 0;
	struct query_list *cur = NULL;
	for (const char *line = yaml; line && *line;) {
		line = next_line(line, buf, sizeof(buf));
		size_t ind = indent_of(buf);
		const char *v;
		if (strcmp(buf, "paths:") == 0) {
			in_paths = 1;
			continue;
		}
		if (!in_paths)
			continue;
		if (buf[0] != ' ' && buf[0] != '\0')
			break;
		if (ind == 2 && buf[2] == '/') {
			snprintf(path, sizeof(path), "%.*s", (int)strcspn(buf + 2, ":"), buf + 2);
			cur = NULL;
			list_indent = 0;
		} else if (ind == 4 && strcmp(buf + 4, "parameters:") == 0 && n < cap) {
			cur = &out[n++];
			memset(cur, 0, sizeof(*cur));
			snprintf(cur->path, sizeof(cur->path), "%s", path);
			list_indent = 6;
		} else if (ind == 4) {
			cur = NULL;
			list_indent = 0;
			for (int m = 0; methods[m]; m++)
				if (strncmp(buf + 4, methods[m], strlen(methods[m])) == 0 &&
				    buf[4 + strlen(methods[m])] == ':' && n < cap) {
					cur = &out[n++];
					memset(cur, 0, sizeof(*cur));
					snprintf(cur->path, sizeof(cur->path), "%s", path);
					for (size_t k = 0; methods[m][k]; k++)
						cur->method[k] = (char)(methods[m][k] - 'a' + 'A');
				}
		} else if (cur && cur->method[0] && ind == 6) {
			list_indent = strcmp(buf + 6, "parameters:") == 0 ? 8 : 0;
		} else if (cur && list_indent && ind == list_indent &&
		           strncmp(buf + ind, "- ", 2) == 0) {
			pending[0] = '\0';
			if ((v = field(buf + ind + 2, 0, "$ref")) != NULL) {
				const char *key = strrchr(v, '/');
				size_t kl = key ? strcspn(key + 1, "'\"") : 0;
				size_t c = 0;
				while (c < ncomps && !(strlen(comps[c].key) == kl &&
				                       strncmp(comps[c].key, key + 1, kl) == 0))
					c++;
				if (c == ncomps)
					fail_msg("%s: $ref %s is not in components.parameters",
					         path, v);
				if (comps[c].query)
					query_add(cur, comps[c].name);
			} else if ((v = field(buf + ind + 2, 0, "name")) != NULL) {
				snprintf(pending, sizeof(pending), "%s", v);
			}
		} else if (cur && list_indent && pending[0] &&
		           (v = field(buf, list_indent + 2, "in")) != NULL) {
			if (strcmp(v, "query") == 0)
				query_add(cur, pending);
			pending[0] = '\0';
		} else if (cur && list_indent && ind > 0 && ind < list_indent && buf[0] != '\0') {
			list_indent = 0;
		}
	}
	return n;
}

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

static int listed(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

/* Each route takes exactly the query parameters its operation declares (with those of its
 * path): the dispatcher refuses any other, so a parameter missing from the table would be
 * refused although documented, and one missing from the spec taken although undocumented. */
static void every_route_takes_the_query_parameters_of_the_spec(void **state)
{
	static struct query_list lists[MAX_OPS * 2];
	(void)state;
	size_t n = spec_query(embedded_openapi.data, lists, MAX_OPS * 2);
	assert_true(n >= routes_count);
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		const char *spec[MAX_QUERY * 2];
		size_t ns = 0, nr = 0, ops = 0;
		for (size_t k = 0; k < n; k++) {
			if (strcmp(lists[k].path, r->pattern) != 0 ||
			    (lists[k].method[0] && strcmp(lists[k].method, r->method) != 0))
				continue;
			ops += lists[k].method[0] != '\0';
			for (size_t q = 0; q < lists[k].n && ns < MAX_QUERY * 2; q++)
				spec[ns++] = lists[k].names[q];
		}
		assert_int_equal(ops, 1);
		for (const char *const *q = r->query; q && *q; q++, nr++)
			if (!listed(spec, ns, *q))
				fail_msg("%s %s takes ?%s, which openapi.yaml does not declare",
				         r->method, r->pattern, *q);
		for (size_t q = 0; q < ns; q++)
			if (!r->query || !listed(r->query, nr, spec[q]))
				fail_msg("openapi.yaml declares ?%s for %s %s, which its route "
				         "refuses",
				         spec[q], r->method, r->pattern);
		assert_int_equal(ns, nr); /* and none twice */
	}
}

/* The parser above finds what it should: a check of the check. */
static void the_spec_parser_reads_parameters_and_refs(void **state)
{
	static struct query_list lists[8];
	(void)state;
	static const char yaml[] = "paths:\n"
	                           "  /a/{id}:\n"
	                           "    parameters:\n"
	                           "      - $ref: '#/components/parameters/id'\n"
	                           "      - name: shared\n"
	                           "        in: query\n"
	                           "    get:\n"
	                           "      summary: x\n"
	                           "      parameters:\n"
	                           "        - $ref: '#/components/parameters/limit'\n"
	                           "        - name: X-Header\n"
	                           "          in: header\n"
	                           "        - name: tz\n"
	                           "          in: query\n"
	                           "          schema:\n"
	                           "            type: string\n"
	                           "      responses:\n"
	                           "        '200':\n"
	                           "          description: ok\n"
	                           "components:\n"
	                           "  parameters:\n"
	                           "    id:\n"
	                           "      name: id\n"
	                           "      in: path\n"
	                           "    limit:\n"
	                           "\n"
	                           "      name: limit\n"
	                           "      in: query\n";
	size_t n = spec_query(yaml, lists, 8);
	assert_int_equal(n, 2);
	assert_string_equal(lists[0].method, "");
	assert_int_equal(lists[0].n, 1);
	assert_string_equal(lists[0].names[0], "shared");
	assert_string_equal(lists[1].method, "GET");
	assert_int_equal(lists[1].n, 2);
	assert_string_equal(lists[1].names[0], "limit");
	assert_string_equal(lists[1].names[1], "tz");
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
	    cmocka_unit_test(the_spec_parser_reads_parameters_and_refs),
	    cmocka_unit_test(every_route_takes_the_query_parameters_of_the_spec),
	    cmocka_unit_test(embedded_spec_is_the_repository_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
