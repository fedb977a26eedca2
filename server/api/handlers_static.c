/* handlers_static.c - GET /dashboard with its script and styles, and GET /widget/nps.js:
 * the web assets compiled into the binary (embedded.h, from web/). Each carries an ETag,
 * so a browser revalidates (304) instead of downloading again. The pages talk only to
 * the public API, with the key their user gives them. A client that takes gzip gets the
 * copy compressed at build time (the widget: 4.6 KB instead of 12). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/handlers.h"
#include "base/embedded.h"
#include "http/http.h"

/* The dashboard holds an API key in its page: it runs nothing but its own files, sends
 * nothing elsewhere, and is never framed. */
#define PAGE_POLICY                                                                                \
	"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "           \
	"form-action 'none'; frame-ancestors 'none'"

static const struct {
	const char *path;  /* the route's pattern (routes.c) */
	const char *asset; /* its embedded_web name */
	const char *type;
	const char *cache;
	bool page; /* an HTML page: PAGE_POLICY */
} assets[] = {
    {"/dashboard", "dashboard.html", "text/html; charset=utf-8", "no-cache", true},
    {"/dashboard/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8", "no-cache",
     false},
    {"/dashboard/dashboard.css", "dashboard.css", "text/css; charset=utf-8", "no-cache", false},
    {"/dashboard/uPlot.iife.min.js", "uPlot.iife.min.js", "text/javascript; charset=utf-8",
     "no-cache", false},
    {"/dashboard/uPlot.min.css", "uPlot.min.css", "text/css; charset=utf-8", "no-cache", false},
    /* embedded in shops' pages: cached a while, loadable whatever their policy */
    {"/widget/nps.js", "nps.js", "text/javascript; charset=utf-8", "public, max-age=300", false},
};

/* Whether an Accept-Encoding header value takes gzip: a "gzip" (or "*") coding whose q is
 * not zero (RFC 9110 §12.5.3). */
static bool takes_gzip(const char *accept)
{
	bool gzip = false, star = false, gzip_named = false;
	const char *p = accept;
	while (p && *p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		size_t n = strcspn(p, ";, \t");
		bool is_gzip = n == 4 && strncasecmp(p, "gzip", 4) == 0;
		bool is_star = n == 1 && *p == '*';
		p += n;
		bool zero = false;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == ';') {
			const char *q = p + 1;
			while (*q == ' ' || *q == '\t')
				q++;
			if ((q[0] == 'q' || q[0] == 'Q') && q[1] == '=')
				zero = strtod(q + 2, NULL) <= 0.0;
		}
		if (is_gzip) {
			gzip_named = true;
			gzip = !zero;
		} else if (is_star) {
			star = !zero;
		}
		p += strcspn(p, ",");
	}
	return gzip || (!gzip_named && star);
}

static const struct embedded_asset *asset_named(const char *name)
{
	for (size_t i = 0; i < embedded_web_count; i++)
		if (strcmp(embedded_web[i].name, name) == 0)
			return &embedded_web[i];
	return NULL;
}

enum step handle_static(struct request *req)
{
	const char *pattern = req->match.route->pattern;
	for (size_t i = 0; i < sizeof(assets) / sizeof(assets[0]); i++) {
		if (strcmp(assets[i].path, pattern) != 0)
			continue;
		const struct embedded_asset *a = asset_named(assets[i].asset);
		if (!a)
			break;
		bool gz =
		    a->gz_len < a->len && takes_gzip(http_request_header(req, "Accept-Encoding"));
		const char *etag = gz ? a->gz_etag : a->etag;
		http_header_add(req, "ETag", etag);
		http_header_add(req, "Vary", "Accept-Encoding");
		if (gz)
			http_header_add(req, "Content-Encoding", "gzip");
		http_header_add(req, "Cache-Control", assets[i].cache);
		http_header_add(req, "X-Content-Type-Options", "nosniff");
		if (assets[i].page) {
			http_header_add(req, "Content-Security-Policy", PAGE_POLICY);
			http_header_add(req, "Referrer-Policy", "no-referrer");
		} else {
			http_header_add(req, "Cross-Origin-Resource-Policy", "cross-origin");
		}
		const char *match = http_request_header(req, "If-None-Match");
		if (match && (strstr(match, etag) || strcmp(match, "*") == 0))
			return http_reply_not_modified(req, gz ? a->gz : a->data,
			                               gz ? a->gz_len : a->len);
		return gz ? http_reply_static(req, 200, assets[i].type, a->gz, a->gz_len)
		          : http_reply_static(req, 200, assets[i].type, a->data, a->len);
	}
	return STEP_FAILED; /* a route without its asset: a build defect, answered 500 */
}
