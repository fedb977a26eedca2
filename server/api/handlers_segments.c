/* handlers_segments.c - GET /v1/segments/{name}/customers: a named segment's customers,
 * as JSON pages or, with Accept: text/csv, as one RFC 4180 CSV streamed row by row.
 *
 * The CSV is opened in spreadsheets, and its ids and names come from shops and from
 * anonymous visitors (the widget), so no text cell may start a formula (OWASP, "CSV
 * Injection"): a cell of a column that comes from input and begins with = + - @ TAB CR
 * gets a ' before it. So does one that begins with ' itself, so that the way back (drop
 * one leading ' when one of those seven follows) has no exception. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "base/sbuf.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_segments.h"

static const char *const csv_header =
    "external_id,email,name,phone,signup_at,birthday,tags,created_at,"
    "recency_days,frequency,monetary,r,f,m,segment\r\n";

/* The columns (segment_rows.sql) whose text comes from input as it was sent. The others
 * are written by loyaltyd: times, dates, numbers (a negative monetary, "-12.50", stays a
 * number), the RFM segment's name, and the tags' JSON array, which begins with '['. */
static const bool csv_from_input[SEGMENT_CSV_FIELDS] = {
    true, /* external_id */
    true, /* email */
    true, /* name */
    true, /* phone */
};

/* The first characters that make a spreadsheet read a cell as a formula, and the quote
 * that marks a neutralised one. */
static bool csv_needs_quote_mark(const char *v)
{
	return v[0] != '\0' && strchr("=+-@\t\r'", v[0]) != NULL;
}

/* Appends one RFC 4180 field: after a ' when it comes from input and could start a
 * formula; quoted when it holds a comma, a quote, CR or LF, with its quotes doubled. */
static int csv_field(struct sbuf *b, const char *v, bool from_input)
{
	if (!v)
		return 0;
	bool mark = from_input && csv_needs_quote_mark(v);
	bool quoted = strpbrk(v, ",\"\r\n") != NULL;
	if ((quoted && sbuf_add(b, "\"", 1) != 0) || (mark && sbuf_add(b, "'", 1) != 0))
		return -1;
	if (!quoted)
		return sbuf_add(b, v, strlen(v));
	for (const char *p = v; *p; p++)
		if ((*p == '"' && sbuf_add(b, "\"", 1) != 0) || sbuf_add(b, p, 1) != 0)
			return -1;
	return sbuf_add(b, "\"", 1);
}

struct csv {
	struct segment_stream *stream;
	struct sbuf pending; /* the header or one row, not yet all sent */
	size_t sent;         /* bytes of pending already sent */
	bool header_done, ended, failed;
};

/* Puts the next line (the header, then a row) into c->pending. Returns 1, 0 at the end,
 * -1 on a failure. */
static int csv_next_line(struct csv *c)
{
	const char *f[SEGMENT_CSV_FIELDS];
	sbuf_release(&c->pending);
	sbuf_init(&c->pending, 1 << 20);
	c->sent = 0;
	if (!c->header_done) {
		c->header_done = true;
		return sbuf_add(&c->pending, csv_header, strlen(csv_header)) == 0 ? 1 : -1;
	}
	int rc = segments_stream_next(c->stream, f);
	if (rc <= 0)
		return rc; /* 0: the end; -1: the database failed mid-way */
	for (int i = 0; i < SEGMENT_CSV_FIELDS; i++)
		if ((i > 0 && sbuf_add(&c->pending, ",", 1) != 0) ||
		    csv_field(&c->pending, f[i], csv_from_input[i]) != 0)
			return -1;
	return sbuf_add(&c->pending, "\r\n", 2) == 0 ? 1 : -1;
}

/* Fills buf with as many lines as fit (a line longer than what is left goes on in the
 * next call): one call per block, not per row, keeps the sending loop cheap. */
static long csv_fill(void *cls, char *buf, size_t max)
{
	struct csv *c = cls;
	size_t out = 0;
	while (out < max && !c->failed) {
		if (c->sent == c->pending.len) {
			if (c->ended)
				break;
			int rc = csv_next_line(c);
			if (rc < 0)
				c->failed = true;
			if (rc <= 0) {
				c->ended = true;
				break;
			}
		}
		size_t n = c->pending.len - c->sent;
		if (n > max - out)
			n = max - out;
		memcpy(buf + out, c->pending.data + c->sent, n);
		c->sent += n;
		out += n;
	}
	if (out > 0)
		return (long)out;
	return c->failed ? -1 : 0;
}

static void csv_done(void *cls)
{
	struct csv *c = cls;
	segments_stream_close(c->stream);
	sbuf_release(&c->pending);
	free(c);
}

static bool wants_csv(struct request *req)
{
	const char *accept = http_request_header(req, "Accept");
	return accept && strstr(accept, "text/csv") != NULL;
}

/* ?days (whole days, 1–3650) and ?pct (above 0, at most 100, 2 decimals); the segment's
 * defaults when absent. Returns 0, or 1 after a 400. */
static enum step segment_params(struct request *req, const char *name, char days[8], char pct[16])
{
	const char *d = NULL, *p = NULL;
	char *end = NULL;
	snprintf(days, 8, "%s", strcmp(name, "anniversaries") == 0 ? "7" : "90");
	snprintf(pct, 16, "10");
	if (http_query(req, "days", &d) != 0 ||
	    (d && (strspn(d, "0123456789") != strlen(d) || strlen(d) > 4 || atoi(d) < 1 ||
	           atoi(d) > 3650)))
		return handlers_bad_parameter(req, "days", "must be a whole number from 1 to 3650");
	if (d)
		snprintf(days, 8, "%s", d);
	if (http_query(req, "pct", &p) != 0)
		return handlers_bad_parameter(req, "pct", "is malformed");
	if (p) {
		double v = strtod(p, &end);
		const char *dot = strchr(p, '.');
		if (end == p || *end || strspn(p, "0123456789.") != strlen(p) || v <= 0 ||
		    v > 100 || (dot && strlen(dot + 1) > 2) || strlen(p) > 6)
			return handlers_bad_parameter(
			    req, "pct",
			    "must be a number above 0 and at most 100, with at most 2 decimals");
		snprintf(pct, 16, "%s", p);
	}
	return STEP_GO_ON;
}

enum step handle_segment_customers(struct request *req)
{
	const char *name = handlers_external_id(req, "name");
	struct segment_query q = {.tenant_id = req->who.tenant_id, .name = name};
	char days[8], pct[16];
	bool known = false;
	enum step rc;
	if (!name)
		return STEP_ANSWERED;
	if ((rc = segment_params(req, name, days, pct)) != STEP_GO_ON ||
	    (rc = handlers_report_bound(req, "as_of", &q.as_of)) != STEP_GO_ON ||
	    (rc = handlers_report_tz(req, &q.tz)) != STEP_GO_ON)
		return rc;
	q.days = days;
	q.pct = pct;
	if (wants_csv(req)) {
		struct segment_stream *s = NULL;
		enum db_status st = segments_stream_open(req->app->pool, &q, &known, &s);
		if (st != DB_OK)
			return handlers_report_failed(req, st);
		if (!known)
			return problem_reply(req, 404, "not-found", "no such segment");
		struct csv *c = calloc(1, sizeof(*c));
		if (!c) {
			segments_stream_close(s);
			return STEP_FAILED;
		}
		c->stream = s;
		sbuf_init(&c->pending, 1 << 20);
		return http_reply_stream(req, 200, "text/csv; charset=utf-8", csv_fill, csv_done,
		                         c);
	}
	struct page_params p;
	char *page = NULL;
	size_t len = 0;
	if ((rc = handlers_id_page_params(req, "segment", NULL, &p)) != STEP_GO_ON)
		return rc;
	enum db_status st = segments_page(req->app->pool, &q, p.cursor[0] ? p.cursor : NULL,
	                                  p.limit, p.scope, &page, &len, &known);
	if (st != DB_OK)
		return handlers_report_failed(req, st);
	if (!known)
		return problem_reply(req, 404, "not-found", "no such segment");
	return http_reply_owned(req, 200, "application/json", page, len);
}
