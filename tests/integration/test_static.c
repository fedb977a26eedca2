/* test_static.c - the web files compiled into loyaltyd (GET /dashboard…, /widget/nps.js):
 * byte for byte the files of web/ (and uPlot's from npm), their content types and headers
 * (the dashboard's Content-Security-Policy, the widget's cache and cross-origin policy),
 * gzip for clients that take it (by Accept-Encoding and its q values) decompressing to the
 * same bytes, and ETag revalidation per representation (304). */
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

static struct fixture fx; /* no tenant: each test makes its own */

static int setup(void **state)
{
	fixture_setup(state, &fx, NULL, NULL);
	return 0;
}

/* The bytes of a file (caller frees); *len its size. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot read %s", path);
	char *buf = malloc(1 << 20);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

/* GET path with one optional extra header line. */
static void get(const char *path, const char *header, struct response *r)
{
	const char *h[] = {header, NULL};
	assert_int_equal(http(fx.srv.port, "GET", path, header ? h : NULL, NULL, r), 0);
}

/* Fails unless the body of r is the file at path, decompressed first when gz. */
static void expect_file(const struct response *r, const char *path, bool gz)
{
	size_t want_len, got_len;
	char *want = slurp(path, &want_len), *got;
	if (gz) {
		char tmp[] = "/tmp/loyaltyd-gz.XXXXXX", cmd[160];
		int fd = mkstemp(tmp);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, r->body, r->body_len), (ssize_t)r->body_len);
		close(fd);
		snprintf(cmd, sizeof(cmd), "gzip -dc < %s > %s.out", tmp, tmp);
		assert_int_equal(system(cmd), 0);
		snprintf(cmd, sizeof(cmd), "%s.out", tmp);
		got = slurp(cmd, &got_len);
		unlink(cmd);
		unlink(tmp);
	} else {
		got = malloc(r->body_len + 1);
		memcpy(got, r->body, r->body_len);
		got_len = r->body_len;
	}
	if (got_len != want_len || memcmp(got, want, want_len) != 0)
		fail_msg("%s: %zu bytes served, %zu in the file", path, got_len, want_len);
	free(want);
	free(got);
}

static void every_file_byte_for_byte(void **state)
{
	(void)state;
	static const char *const files[][3] = {
	    {"/dashboard", "web/src/dashboard.html", "text/html; charset=utf-8"},
	    {"/dashboard/dashboard.js", "web/src/dashboard.js", "text/javascript; charset=utf-8"},
	    {"/dashboard/dashboard.css", "web/src/dashboard.css", "text/css; charset=utf-8"},
	    {"/dashboard/uPlot.iife.min.js", "web/node_modules/uplot/dist/uPlot.iife.min.js",
	     "text/javascript; charset=utf-8"},
	    {"/dashboard/uPlot.min.css", "web/node_modules/uplot/dist/uPlot.min.css",
	     "text/css; charset=utf-8"},
	    {"/widget/nps.js", "web/src/nps.js", "text/javascript; charset=utf-8"},
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[512];
		struct response r;
		snprintf(path, sizeof(path), "%s/%s", SOURCE_DIR, files[i][1]);
		get(files[i][0], NULL, &r);
		assert_int_equal(r.status, 200);
		assert_string_equal(response_header(&r, "Content-Type"), files[i][2]);
		assert_null(response_header(&r, "Content-Encoding"));
		assert_string_equal(response_header(&r, "X-Content-Type-Options"), "nosniff");
		assert_string_equal(response_header(&r, "Vary"), "Accept-Encoding");
		expect_file(&r, path, false);
		response_free(&r);
		get(files[i][0], "Accept-Encoding: gzip, deflate, br", &r);
		assert_int_equal(r.status, 200);
		assert_string_equal(response_header(&r, "Content-Encoding"), "gzip");
		expect_file(&r, path, true);
		response_free(&r);
	}
}

static void page_and_widget_headers(void **state)
{
	(void)state;
	struct response r;
	get("/dashboard", NULL, &r);
	assert_string_equal(response_header(&r, "Content-Security-Policy"),
	                    "default-src 'self'; img-src 'self' data:; object-src 'none'; "
	                    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
	assert_string_equal(response_header(&r, "Referrer-Policy"), "no-referrer");
	assert_string_equal(response_header(&r, "Cache-Control"), "no-cache");
	assert_null(response_header(&r, "Cross-Origin-Resource-Policy"));
	response_free(&r);
	get("/widget/nps.js", NULL, &r);
	assert_string_equal(response_header(&r, "Cache-Control"), "public, max-age=300");
	assert_string_equal(response_header(&r, "Cross-Origin-Resource-Policy"), "cross-origin");
	assert_null(response_header(&r, "Content-Security-Policy"));
	response_free(&r);
	/* the files are read-only */
	assert_int_equal(http(fx.srv.port, "POST", "/widget/nps.js", NULL, "x", &r), 0);
	assert_int_equal(r.status, 405);
	response_free(&r);
}

/* Accept-Encoding by its codings and q values (RFC 9110 §12.5.3). */
static void gzip_by_accept_encoding(void **state)
{
	(void)state;
	static const struct {
		const char *header;
		bool gz;
	} cases[] = {
	    {"Accept-Encoding: gzip", true},
	    {"Accept-Encoding: br;q=1.0, gzip;q=0.5", true},
	    {"Accept-Encoding: GZIP", true},
	    {"Accept-Encoding: *", true},
	    {"Accept-Encoding: gzip;q=0", false},
	    {"Accept-Encoding: gzip; q=0.000", false},
	    {"Accept-Encoding: br, *;q=0", false},
	    {"Accept-Encoding: gzip;q=0, *", false}, /* named gzip refused wins over * */
	    {"Accept-Encoding: identity", false},
	    {"Accept-Encoding: x-gzip-like, deflate", false},
	    {NULL, false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct response r;
		get("/widget/nps.js", cases[i].header, &r);
		assert_int_equal(r.status, 200);
		const char *ce = response_header(&r, "Content-Encoding");
		if ((ce != NULL) != cases[i].gz)
			fail_msg("%s: Content-Encoding %s",
			         cases[i].header ? cases[i].header : "(none)", ce ? ce : "(none)");
		response_free(&r);
	}
}

static void etags_revalidate_each_representation(void **state)
{
	(void)state;
	struct response r;
	char plain[64], gz[64], h[128];
	get("/widget/nps.js", NULL, &r);
	snprintf(plain, sizeof(plain), "%s", response_header(&r, "ETag"));
	response_free(&r);
	get("/widget/nps.js", "Accept-Encoding: gzip", &r);
	snprintf(gz, sizeof(gz), "%s", response_header(&r, "ETag"));
	response_free(&r);
	/* "\"<20 hex digits>\"" and the same with -gz */
	assert_int_equal(strlen(plain), 22);
	assert_int_equal(strspn(plain + 1, "0123456789abcdef"), 20);
	assert_int_equal(strncmp(gz, plain, 21), 0);
	assert_string_equal(gz + 21, "-gz\"");

	snprintf(h, sizeof(h), "If-None-Match: %s", plain);
	get("/widget/nps.js", h, &r);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body_len, 0);
	assert_string_equal(response_header(&r, "ETag"), plain);
	response_free(&r);
	/* a 304's Content-Length is the 200's, never 0 (RFC 9110 §8.6), and no body follows
	 * it: the next answer on the same connection is read whole */
	get("/widget/nps.js", NULL, &r);
	char full[24];
	snprintf(full, sizeof(full), "%s", response_header(&r, "Content-Length"));
	assert_true(strtol(full, NULL, 10) > 0);
	response_free(&r);
	int fd = conn_open(fx.srv.port);
	char twice[512];
	int n = snprintf(twice, sizeof(twice),
	                 "GET /widget/nps.js HTTP/1.1\r\nHost: t\r\n%s\r\n\r\n"
	                 "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n",
	                 h);
	assert_int_equal(conn_send(fd, twice, (size_t)n), 0);
	assert_int_equal(conn_read_response(fd, &r), 0);
	assert_int_equal(r.status, 304);
	assert_string_equal(response_header(&r, "Content-Length"), full);
	response_free(&r);
	assert_int_equal(conn_read_response(fd, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"status\":\"ok\"}");
	response_free(&r);
	close(fd);
	/* the plain copy's tag does not stand for the gzipped one, nor the other way round */
	const char *both[] = {h, "Accept-Encoding: gzip", NULL};
	assert_int_equal(http(fx.srv.port, "GET", "/widget/nps.js", both, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	response_free(&r);
	snprintf(h, sizeof(h), "If-None-Match: %s", gz);
	assert_int_equal(http(fx.srv.port, "GET", "/widget/nps.js", both, NULL, &r), 0);
	assert_int_equal(r.status, 304);
	response_free(&r);
	get("/widget/nps.js", h, &r);
	assert_int_equal(r.status, 200);
	response_free(&r);
	/* a list of tags, one of which matches */
	snprintf(h, sizeof(h), "If-None-Match: \"00000000000000000000\", %s", plain);
	get("/widget/nps.js", h, &r);
	assert_int_equal(r.status, 304);
	response_free(&r);
}

/* Shops load the widget with a cache-buster: the web files ignore query parameters (an
 * API route refuses unknown ones, test_http). */
static void web_files_take_cache_busters(void **state)
{
	(void)state;
	struct response r, plain;
	get("/widget/nps.js", NULL, &plain);
	get("/widget/nps.js?v=3", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, plain.body_len);
	assert_memory_equal(r.body, plain.body, r.body_len);
	response_free(&r);
	response_free(&plain);
	get("/dashboard?utm_source=mail", NULL, &r);
	assert_int_equal(r.status, 200);
	response_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_file_byte_for_byte),
	    cmocka_unit_test(page_and_widget_headers),
	    cmocka_unit_test(gzip_by_accept_encoding),
	    cmocka_unit_test(etags_revalidate_each_representation),
	    cmocka_unit_test(web_files_take_cache_busters),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
