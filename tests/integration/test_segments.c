/* test_segments.c - the named segments of docs/DESIGN.md §6 against the real server and
 * database, each rule on a small hand-made case: lapsed (and its days), due_for_reorder,
 * anniversaries (first order, signup, birthday; 29 February; a time zone moving a date),
 * promoters/passives/detractors, advocates (promoters who refer, referrers whose referred
 * customers ordered), key_customers (pct, ties by external_id), tier:NAME; the sizes
 * report; cursor pages; the CSV with a header row and RFC 4180 quoting, no cell that could
 * start a formula and tags that survive; unknown segments and bad parameters; cursors
 * bound to their segment and filters; another tenant sees nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <unistd.h>

#include "harness.h"

static struct fixture fx;

#define ORDER(c, at, amount)                                                                       \
	"{\"customer_id\":\"" c "\",\"type\":\"order\",\"occurred_at\":\"" at                      \
	"\",\"amount\":\"" amount "\",\"currency\":\"EUR\",\"order_id\":\"" c at "\"}"

static void put(const char *path, const char *body)
{
	json_t *j = api_json(fx.srv.port, fx.key, "PUT", path, body, 201);
	json_decref(j);
}

static void answer(const char *path, const char *customer, int score)
{
	char body[128];
	snprintf(body, sizeof(body), "{\"customer_id\":\"%s\",\"score\":%d}", customer, score);
	json_decref(api_json(fx.srv.port, fx.key, "POST", path, body, 201));
}

static int setup(void **state)
{
	fixture_setup(state, &fx, NULL, "Segment shop");
	json_decref(api_json(
	    fx.srv.port, fx.key, "PUT", "/v1/program",
	    "{\"currency\":\"EUR\",\"points_per_unit\":0.0001,\"tiers\":[{\"name\":\"bronze\","
	    "\"threshold\":0},{\"name\":\"silver\",\"threshold\":100}]}",
	    200));
	json_decref(api_json(
	    fx.srv.port, fx.key, "POST", "/v1/events",
	    "{\"events\":[" ORDER("lap", "2026-01-01T12:00:00Z", "10.00") "," ORDER("fresh", "2026-06-20T12:00:00Z", "10.00") "," ORDER("due", "2026-03-01T12:00:00Z", "10.00") "," ORDER(
	        "due", "2026-03-11T12:00:00Z",
	        "10.00") "," ORDER("due", "2026-03-21T12:00:00Z",
	                           "10.00") "," ORDER("notdue", "2026-06-10T12:00:00Z",
	                                              "10.00") "," ORDER("notdue",
	                                                                 "2026-06-20T12:00:00Z",
	                                                                 "10.00") "," ORDER("firsto"
	                                                                                    "rder",
	                                                                                    "2025-"
	                                                                                    "07-"
	                                                                                    "05T12:"
	                                                                                    "00:"
	                                                                                    "00Z",
	                                                                                    "10.00") "," ORDER("tz",
	                                                                                                       "2025-07-06T23:30:00Z",
	                                                                                                       "10.00") "," ORDER("whale",
	                                                                                                                          "2026-06-01T12:00:00Z",
	                                                                                                                          "1000.00") ","
	                                                                                                                                     "{\"customer_id\":\"prom_ref\",\"type\":\"referral\",\"occurred_at\":\"2026-05-01T12:00:"
	                                                                                                                                     "00Z\"},"
	                                                                                                                                     "{\"customer_id\":\"referrer\",\"type\":\"referral\",\"occurred_at\":\"2026-05-01T12:00:"
	                                                                                                                                     "00Z\",\"properties\":{\"referred_customer_id\":\"fresh\"}},"
	                                                                                                                                     "{\"customer_id\":\"referrer2\",\"type\":\"referral\",\"occurred_at\":\"2026-05-01T12:"
	                                                                                                                                     "00:00Z\",\"properties\":{\"referred_customer_id\":\"nobody_ordered\"}}]}",
	    200));
	put("/v1/customers/bday", "{\"birthday\":\"1990-07-03\"}");
	put("/v1/customers/bday_far", "{\"birthday\":\"1990-07-10\"}");
	put("/v1/customers/leap", "{\"birthday\":\"2000-02-29\"}");
	put("/v1/customers/signup", "{\"signup_at\":\"2024-07-01T10:00:00Z\"}");
	put("/v1/customers/nobody_ordered", "{}");
	put("/v1/customers/silver_guy",
	    "{\"email\":\"sg@example.com\",\"name\":\"Doe, \\\"JD\\\"\\nJr\","
	    "\"tags\":[\"vip\",\"gold card\"]}");
	json_decref(api_json(fx.srv.port, fx.key, "POST", "/v1/customers/silver_guy/points/earn",
	                     "{\"points\":150}", 201));
	char path[128];
	create_nps_survey(fx.srv.port, fx.key, path);
	answer(path, "prom_ref", 10);
	answer(path, "prom", 9);
	answer(path, "pas", 7);
	answer(path, "det", 2);
	return 0;
}

/* The external ids of a segment's customers (all pages), space-separated, sorted. */
static char *members(const char *query)
{
	char path[512], *out = calloc(1, 4096);
	char cursor[256] = "";
	char ids[64][32];
	size_t n = 0;
	for (;;) {
		snprintf(path, sizeof(path), "%s%s%s", query, cursor[0] ? "&cursor=" : "", cursor);
		json_t *j = api_json(fx.srv.port, fx.key, "GET", path, NULL, 200);
		size_t i;
		json_t *c;
		json_array_foreach (json_object_get(j, "data"), i, c)
			snprintf(ids[n++], 32, "%s",
			         json_string_value(json_object_get(c, "external_id")));
		json_t *next = json_object_get(j, "next_cursor");
		snprintf(cursor, sizeof(cursor), "%s",
		         json_is_string(next) ? json_string_value(next) : "");
		json_decref(j);
		if (!cursor[0])
			break;
	}
	qsort(ids, n, sizeof(ids[0]), (int (*)(const void *, const void *))strcmp);
	for (size_t i = 0; i < n; i++) {
		strcat(out, i ? " " : "");
		strcat(out, ids[i]);
	}
	return out;
}

static void expect_members(const char *query, const char *want)
{
	char *got = members(query);
	if (strcmp(got, want) != 0)
		fail_msg("%s: [%s], not [%s]", query, got, want);
	free(got);
}

static void every_rule_by_hand(void **state)
{
	(void)state;
	static const char *const cases[][3] = {
	    /* last order more than 90 days before 30 June */
	    {"lapsed", "", "due firstorder lap tz"},
	    {"lapsed", "&days=200", "firstorder tz"},
	    /* gaps of 10 days, 101 since the last; notdue: 9.5 days since, gap 10 */
	    {"due_for_reorder", "", "due"},
	    /* within 7 days from 30 June: birthday 3 July, signup 1 July, first orders 5 and
	     * 6 July (UTC) */
	    {"anniversaries", "", "bday firstorder signup tz"},
	    {"anniversaries", "&tz=Europe/Zagreb", "bday firstorder signup"},
	    {"anniversaries", "&days=11", "bday bday_far firstorder signup tz"},
	    {"promoters", "", "prom prom_ref"},
	    {"passives", "", "pas"},
	    {"detractors", "", "det"},
	    {"advocates", "", "prom_ref referrer"},
	    /* 7 customers with orders: 10 % is one; 50 % is four (ties at 10.00 by id) */
	    {"key_customers", "", "whale"},
	    {"key_customers", "&pct=50", "due firstorder notdue whale"},
	    {"tier:silver", "", "silver_guy"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char q[256];
		snprintf(q, sizeof(q), "/v1/segments/%s/customers?as_of=2026-06-30%s", cases[i][0],
		         cases[i][1]);
		expect_members(q, cases[i][2]);
	}
	/* 29 February in a year without one: the 28th (and due's first order of 1 March) */
	expect_members("/v1/segments/anniversaries/customers?as_of=2027-02-25", "due leap");
	/* one page at a time */
	json_t *j = api_json(fx.srv.port, fx.key, "GET",
	                     "/v1/segments/lapsed/customers?as_of=2026-06-30&limit=3", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "data")), 3);
	assert_true(json_is_string(json_object_get(j, "next_cursor")));
	json_decref(j);
}

/* The member of segment (as of 30 June) whose external id is id, or fails. */
static json_t *member(const char *segment, const char *id, json_t **page)
{
	char q[160];
	snprintf(q, sizeof(q), "/v1/segments/%s/customers?as_of=2026-06-30", segment);
	*page = api_json(fx.srv.port, fx.key, "GET", q, NULL, 200);
	size_t i;
	json_t *c;
	json_array_foreach (json_object_get(*page, "data"), i, c)
		if (strcmp(json_string_value(json_object_get(c, "external_id")), id) == 0)
			return c;
	fail_msg("%s is not in %s", id, segment);
	return NULL;
}

static void expect_rfm(const json_t *c, long long recency, long long frequency,
                       const char *monetary, int r, int f, int m, const char *segment)
{
	assert_int_equal(json_integer_value(json_object_get(c, "recency_days")), recency);
	assert_int_equal(json_integer_value(json_object_get(c, "frequency")), frequency);
	assert_string_equal(json_string_value(json_object_get(c, "monetary")), monetary);
	assert_int_equal(json_integer_value(json_object_get(c, "r")), r);
	assert_int_equal(json_integer_value(json_object_get(c, "f")), f);
	assert_int_equal(json_integer_value(json_object_get(c, "m")), m);
	assert_string_equal(json_string_value(json_object_get(c, "segment")), segment);
}

/* docs/DESIGN.md §5: a segment's customers carry their RFM figures. By hand, as of 30 June
 * 00:00 UTC, seven customers with orders, NTILE(5) groups of 2, 2, 1, 1, 1:
 * R by last order: firstorder, tz | lap, due | whale | fresh | notdue (fresh and notdue
 * ordered at the same instant: by id); F by orders: firstorder, fresh | lap, tz | whale
 * | notdue (2) | due (3); M by net: firstorder, fresh | lap, tz | notdue (20) | due (30)
 * | whale (1000). */
static void members_carry_their_rfm_figures(void **state)
{
	(void)state;
	json_t *page;
	/* due: 21 March 12:00 → 100.5 days; R 2, F 5: cant_lose_them */
	expect_rfm(member("cant_lose_them", "due", &page), 100, 3, "30.00", 2, 5, 4,
	           "cant_lose_them");
	assert_int_equal(json_array_size(json_object_get(page, "data")), 1);
	json_decref(page);
	expect_rfm(member("champions", "notdue", &page), 9, 2, "20.00", 5, 4, 3, "champions");
	json_decref(page);
	expect_rfm(member("promising", "fresh", &page), 9, 1, "10.00", 4, 1, 1, "promising");
	json_decref(page);
	/* a named segment that is not RFM's: whale, 1 June 12:00 → 28.5 days, R 3 F 3 */
	expect_rfm(member("key_customers", "whale", &page), 28, 1, "1000.00", 3, 3, 5,
	           "need_attention");
	json_decref(page);
	expect_rfm(member("hibernating", "tz", &page), 358, 1, "10.00", 1, 2, 2, "hibernating");
	assert_int_equal(json_array_size(json_object_get(page, "data")), 3);
	json_decref(page);
	/* a promoter who never ordered: no scores, no orders */
	json_t *c = member("promoters", "prom", &page);
	assert_true(json_is_null(json_object_get(c, "recency_days")));
	assert_int_equal(json_integer_value(json_object_get(c, "frequency")), 0);
	assert_string_equal(json_string_value(json_object_get(c, "monetary")), "0");
	assert_true(json_is_null(json_object_get(c, "r")));
	assert_true(json_is_null(json_object_get(c, "segment")));
	json_decref(page);
}

static void sizes_report(void **state)
{
	(void)state;
	json_t *j = api_json(fx.srv.port, fx.key, "GET", "/v1/reports/segments?as_of=2026-06-30",
	                     NULL, 200);
	static const struct {
		const char *name;
		long n;
	} want[] = {{"promoters", 2},     {"passives", 1},      {"detractors", 1},
	            {"advocates", 2},     {"lapsed", 4},        {"due_for_reorder", 1},
	            {"anniversaries", 4}, {"key_customers", 1}, {"tier:bronze", 18},
	            {"tier:silver", 1}};
	json_t *segs = json_object_get(j, "segments"), *s;
	assert_int_equal(json_array_size(segs), 10 + 8 + 2);
	size_t i;
	long long rfm = 0;
	json_array_foreach (segs, i, s) {
		const char *name = json_string_value(json_object_get(s, "name"));
		if (i < 10)
			rfm += json_int(s, "customers");
		for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++)
			if (strcmp(name, want[k].name) == 0 &&
			    json_int(s, "customers") != want[k].n)
				fail_msg("%s: %lld, not %ld", name, json_int(s, "customers"),
				         want[k].n);
	}
	assert_int_equal(rfm, 7); /* every customer with an order, in one RFM segment */
	assert_string_equal(json_string_value(json_object_get(json_array_get(segs, 19), "name")),
	                    "tier:silver");
	json_decref(j);
}

static void csv_streamed_with_quoting(void **state)
{
	struct response r;
	(void)state;
	const char *h[] = {"Accept: text/csv", NULL};
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "GET", "/v1/segments/tier:silver/customers", NULL, h, &r),
	    0);
	assert_int_equal(r.status, 200);
	assert_string_equal(response_header(&r, "Content-Type"), "text/csv; charset=utf-8");
	const char *want = "external_id,email,name,phone,signup_at,birthday,tags,created_at,"
	                   "recency_days,frequency,monetary,r,f,m,segment\r\n"
	                   "silver_guy,sg@example.com,\"Doe, \"\"JD\"\"\nJr\",,,,"
	                   "\"[\"\"vip\"\",\"\"gold card\"\"]\",";
	if (strncmp(r.body, want, strlen(want)) != 0)
		fail_msg("CSV:\n%s", r.body);
	/* then the creation time, no order (so no scores), the line's end, and nothing more */
	const char *rest = r.body + strlen(want);
	assert_int_equal(strlen(rest), strlen("2026-11-23T00:00:00.000000Z,,0,0,,,,\r\n"));
	assert_string_equal(rest + strlen(rest) - strlen(",,0,0,,,,\r\n"), ",,0,0,,,,\r\n");
	response_free(&r);
	/* a bigger one, every row a line */
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "GET", "/v1/segments/tier:bronze/customers", NULL, h, &r),
	    0);
	assert_int_equal(r.status, 200);
	int lines = 0;
	for (const char *p = r.body; (p = strstr(p, "\r\n")) != NULL; p += 2)
		lines++;
	assert_int_equal(lines, 1 + 18);
	response_free(&r);
	/* an unknown segment is a 404, not an empty CSV */
	assert_int_equal(
	    call_as(fx.srv.port, fx.key, "GET", "/v1/segments/tier:gold/customers", NULL, h, &r),
	    0);
	assert_int_equal(r.status, 404);
	response_free(&r);
}

/* One RFC 4180 CSV text parsed into cells: rows[r][c], ncells[r]; at most 16 rows of 15
 * cells. Fails the test on a malformed text. Release with free_csv(). */
struct csv_rows {
	size_t n, ncells[16];
	char *cells[16][15];
};

static void parse_csv(const char *text, struct csv_rows *out)
{
	const char *p = text;
	memset(out, 0, sizeof(*out));
	while (*p) {
		size_t r = out->n++;
		assert_true(r < 16);
		for (;;) {
			char *cell = calloc(1, strlen(p) + 1);
			size_t o = 0;
			if (*p == '"') {
				for (p++;; p++) {
					if (*p == '\0')
						fail_msg("unterminated quoted cell in:\n%s", text);
					if (*p == '"' && p[1] == '"')
						cell[o++] = *p++;
					else if (*p == '"')
						break;
					else
						cell[o++] = *p;
				}
				p++;
			} else {
				while (*p && *p != ',' && *p != '\r' && *p != '\n' && *p != '"')
					cell[o++] = *p++;
				if (*p == '"' || *p == '\n')
					fail_msg("a quote or a bare LF in an unquoted cell:\n%s",
					         text);
			}
			assert_true(out->ncells[r] < 15);
			out->cells[r][out->ncells[r]++] = cell;
			if (*p == ',') {
				p++;
				continue;
			}
			if (p[0] != '\r' || p[1] != '\n')
				fail_msg("a row does not end with CRLF:\n%s", text);
			p += 2;
			break;
		}
	}
}

static void free_csv(struct csv_rows *rows)
{
	for (size_t r = 0; r < rows->n; r++)
		for (size_t c = 0; c < rows->ncells[r]; c++)
			free(rows->cells[r][c]);
}

/* The way back documented in README.md: one leading ' goes when = + - @ TAB CR or '
 * follows it. */
static const char *unneutralised(const char *cell)
{
	return cell[0] == '\'' && cell[1] != '\0' && strchr("=+-@\t\r'", cell[1]) ? cell + 1 : cell;
}

/* OWASP's CSV injection: ids, names, e-mails and phones from shops and from anonymous
 * visitors (the widget) may begin with = + - @ TAB CR; none may start a cell so. The
 * numbers loyaltyd writes (a negative monetary) stay numbers; tags come back as they were.
 * A tenant of its own, so that the other tests' segments do not change. */
static void csv_cells_cannot_start_formulas_and_tags_survive(void **state)
{
	char csv_tenant[37], csv_key[64], respond[64], respond_id[37], path[128];
	struct response r;
	(void)state;
	create_tenant(fx.srv.port, "CSV shop", csv_tenant, csv_key);
	json_decref(
	    api_json(fx.srv.port, csv_key, "PUT", "/v1/program",
	             "{\"currency\":\"EUR\",\"points_per_unit\":0.0001,\"tiers\":[{\"name\":"
	             "\"bronze\",\"threshold\":0}]}",
	             200));
	/* an anonymous visitor, through the widget's key */
	create_nps_survey(fx.srv.port, csv_key, path);
	create_key(fx.srv.port, csv_key, "[\"respond\"]", respond, respond_id);
	json_decref(api_json(fx.srv.port, respond, "POST", path,
	                     "{\"customer_id\":\"=HYPERLINK(\\\"x\\\")\",\"score\":10}", 201));
	json_decref(api_json(fx.srv.port, csv_key, "PUT", "/v1/customers/%40SUM(1)",
	                     "{\"email\":\"=1+2@example.com\",\"name\":\"-2+3\","
	                     "\"phone\":\"+385 1 234 5678\",\"tags\":[\"two words\",\"x\"]}",
	                     201));
	json_decref(api_json(
	    fx.srv.port, csv_key, "POST", "/v1/events",
	    "{\"events\":[" ORDER("@SUM(1)", "2026-06-01T12:00:00Z",
	                          "10.00") ",{\"customer_id\":\"@SUM(1)\",\"type\":\"refund\","
	                                   "\"occurred_at\":\"2026-06-02T12:00:00Z\",\"amount\":"
	                                   "\"22.50\",\"currency\":\"EUR\",\"order_id\":"
	                                   "\"@SUM(1)2026-06-01T12:00:00Z\"}]}",
	    200));
	json_decref(api_json(fx.srv.port, csv_key, "PUT", "/v1/customers/tab",
	                     "{\"name\":\"\\tTab\",\"tags\":[\"a,b\",\"say \\\"hi\\\"\"]}", 201));
	json_decref(api_json(fx.srv.port, csv_key, "PUT", "/v1/customers/'quote",
	                     "{\"name\":\"'=already\"}", 201));
	json_decref(api_json(fx.srv.port, csv_key, "PUT", "/v1/customers/-1",
	                     "{\"name\":\"\\r=CR\"}", 201));
	json_decref(api_json(fx.srv.port, csv_key, "PUT", "/v1/customers/plain",
	                     "{\"name\":\"Ana Horvat\",\"email\":\"ana@example.com\"}", 201));

	json_t *page = api_json(fx.srv.port, csv_key, "GET",
	                        "/v1/segments/tier:bronze/customers?as_of=2026-06-30", NULL, 200);
	json_t *data = json_object_get(page, "data");
	assert_int_equal(json_array_size(data), 6);
	const char *at[6];
	for (size_t i = 0; i < 6; i++)
		at[i] = json_string_value(json_object_get(json_array_get(data, i), "created_at"));
	json_t *sum = json_array_get(data, 1);
	assert_string_equal(json_string_value(json_object_get(sum, "monetary")), "-12.50");

	const char *h[] = {"Accept: text/csv", NULL};
	assert_int_equal(call_as(fx.srv.port, csv_key, "GET",
	                         "/v1/segments/tier:bronze/customers?as_of=2026-06-30", NULL, h,
	                         &r),
	                 0);
	assert_int_equal(r.status, 200);
	char want[2048];
	snprintf(want, sizeof(want),
	         "external_id,email,name,phone,signup_at,birthday,tags,created_at,"
	         "recency_days,frequency,monetary,r,f,m,segment\r\n"
	         "\"'=HYPERLINK(\"\"x\"\")\",,,,,,[],%s,,0,0,,,,\r\n"
	         "'@SUM(1),'=1+2@example.com,'-2+3,'+385 1 234 5678,,,"
	         "\"[\"\"two words\"\",\"\"x\"\"]\",%s,28,1,-12.50,1,1,1,hibernating\r\n"
	         "tab,,'\tTab,,,,\"[\"\"a,b\"\",\"\"say \\\"\"hi\\\"\"\"\"]\",%s,,0,0,,,,\r\n"
	         "''quote,,''=already,,,,[],%s,,0,0,,,,\r\n"
	         "'-1,,\"'\r=CR\",,,,[],%s,,0,0,,,,\r\n"
	         "plain,ana@example.com,Ana Horvat,,,,[],%s,,0,0,,,,\r\n",
	         at[0], at[1], at[2], at[3], at[4], at[5]);
	if (strcmp(r.body, want) != 0)
		fail_msg("CSV:\n%s\nnot:\n%s", r.body, want);

	/* and back: the documented way gives every value and every tag list of the JSON */
	struct csv_rows rows;
	static const char *const text_columns[] = {"external_id", "email", "name", "phone"};
	parse_csv(r.body, &rows);
	assert_int_equal(rows.n, 1 + 6);
	for (size_t i = 0; i < 6; i++) {
		json_t *c = json_array_get(data, i);
		char **cells = rows.cells[i + 1];
		assert_int_equal(rows.ncells[i + 1], 15);
		for (size_t k = 0; k < 4; k++) {
			const char *v = json_string_value(json_object_get(c, text_columns[k]));
			assert_string_equal(unneutralised(cells[k]), v ? v : "");
		}
		json_t *tags = json_loads(cells[6], 0, NULL);
		assert_non_null(tags);
		assert_true(json_equal(tags, json_object_get(c, "tags")));
		json_decref(tags);
		assert_string_equal(cells[10], json_string_value(json_object_get(c, "monetary")));
	}
	free_csv(&rows);
	response_free(&r);
	json_decref(page);
}

#define OTHER_LIST "was returned by another list; it only goes on with the list that returned it"
#define OTHER_FILTERS                                                                              \
	"was returned for other filters; send it with the same request as the page that "          \
	"returned it (limit may change)"

static void expect_cursor_refused(const char *query, const char *cursor, const char *message)
{
	struct response r;
	char path[512], detail[256];
	snprintf(path, sizeof(path), "%s&cursor=%s", query, cursor);
	snprintf(detail, sizeof(detail), "cursor: %s", message);
	assert_int_equal(call_as(fx.srv.port, fx.key, "GET", path, NULL, NULL, &r), 0);
	if (!response_bad_parameters(&r, detail, (const char *const[]){"cursor", NULL}, message))
		fail_msg("GET %s", path);
	response_free(&r);
}

/* A segment's cursor goes on with that segment and its filters only (days, pct, as_of,
 * tz): another segment's page, or other filters, would skip or repeat customers. */
static void cursors_stay_with_their_segment_and_filters(void **state)
{
	char path[512], cursor[160];
	(void)state;
	json_t *j = api_json(fx.srv.port, fx.key, "GET",
	                     "/v1/segments/lapsed/customers?as_of=2026-06-30&limit=1", NULL, 200);
	snprintf(cursor, sizeof(cursor), "%s",
	         json_string_value(json_object_get(j, "next_cursor")));
	json_decref(j);
	assert_true(cursor[0] != '\0');
	expect_cursor_refused("/v1/segments/anniversaries/customers?as_of=2026-06-30&limit=1",
	                      cursor, OTHER_LIST);
	expect_cursor_refused("/v1/segments/tier:bronze/customers?as_of=2026-06-30", cursor,
	                      OTHER_LIST);
	expect_cursor_refused("/v1/customers?limit=1", cursor, OTHER_LIST);
	expect_cursor_refused("/v1/segments/lapsed/customers?as_of=2026-06-30&days=200&limit=1",
	                      cursor, OTHER_FILTERS);
	expect_cursor_refused("/v1/segments/lapsed/customers?as_of=2026-07-01&limit=1", cursor,
	                      OTHER_FILTERS);
	expect_cursor_refused("/v1/segments/lapsed/customers?limit=1&tz=UTC&as_of=2026-06-30",
	                      cursor, OTHER_FILTERS);
	/* the same filters in another order, another limit: the other three lapsed */
	snprintf(path, sizeof(path),
	         "/v1/segments/lapsed/customers?limit=10&as_of=2026-06-30&cursor=%s", cursor);
	j = api_json(fx.srv.port, fx.key, "GET", path, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "data")), 3);
	json_decref(j);
}

static void unknown_segments_bad_parameters_other_tenants(void **state)
{
	char other_tenant[37], other_key[64];
	(void)state;
	json_t *j =
	    api_json(fx.srv.port, fx.key, "GET", "/v1/segments/whales/customers", NULL, 404);
	json_decref(j);
	static const char *const bad[][2] = {
	    {"/v1/segments/lapsed/customers?days=0", "days: must be a whole number from 1 to 3650"},
	    {"/v1/segments/key_customers/customers?pct=0",
	     "pct: must be a number above 0 and at most 100, with at most 2 decimals"},
	    {"/v1/segments/key_customers/customers?pct=12.345",
	     "pct: must be a number above 0 and at most 100, with at most 2 decimals"},
	    {"/v1/segments/lapsed/customers?as_of=yesterday",
	     "as_of: must be an RFC 3339 time or a date YYYY-MM-DD (local to tz), 1970 to 2100"},
	    {"/v1/segments/lapsed/customers?tz=Moon/Base",
	     "tz: is not a time zone PostgreSQL knows"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = api_json(fx.srv.port, fx.key, "GET", bad[i][0], NULL, 400);
		assert_string_equal(json_string_value(json_object_get(j, "detail")), bad[i][1]);
		json_decref(j);
	}
	create_tenant(fx.srv.port, "Other segment shop", other_tenant, other_key);
	j = api_json(fx.srv.port, other_key, "GET",
	             "/v1/segments/lapsed/customers?as_of=2026-06-30", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(j, "data")), 0);
	json_decref(j);
	/* its programme has no tiers of the first shop */
	json_decref(api_json(fx.srv.port, other_key, "GET", "/v1/segments/tier:silver/customers",
	                     NULL, 404));
}

static void *commit_later(void *arg)
{
	sleep(3);
	PQclear(PQexec(arg, "COMMIT"));
	return NULL;
}

/* A statement that thinks longer than the idle timeout before its first row must not cut
 * the CSV: the rows are held back by a lock for 3 s, the server's idle timeout is 1 s. */
static void a_slow_first_row_does_not_cut_the_csv(void **state)
{
	struct server slow;
	struct response r;
	pthread_t t;
	const char *env[] = {"LOYALTYD_CONN_TIMEOUT_S=1", NULL};
	(void)state;
	server_start(&slow, env);
	PGconn *c = PQconnectdb(getenv("LOYALTYD_TEST_DATABASE_URL"));
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PQclear(PQexec(c, "BEGIN"));
	PGresult *res = PQexec(c, "LOCK TABLE customer_rollups IN ACCESS EXCLUSIVE MODE");
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	pthread_create(&t, NULL, commit_later, c);
	const char *h[] = {"Accept: text/csv", NULL};
	long started = now_ms();
	assert_int_equal(call_as(slow.port, fx.key, "GET",
	                         "/v1/segments/lapsed/customers?as_of=2026-06-30", NULL, h, &r),
	                 0);
	pthread_join(t, NULL);
	PQfinish(c);
	assert_true(now_ms() - started >= 2500);
	assert_int_equal(r.status, 200);
	int lines = 0;
	for (const char *p = r.body; (p = strstr(p, "\r\n")) != NULL; p += 2)
		lines++;
	assert_int_equal(lines, 1 + 4); /* the header and the four lapsed customers */
	response_free(&r);
	assert_int_equal(server_stop(&slow), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_rule_by_hand),
	    cmocka_unit_test(members_carry_their_rfm_figures),
	    cmocka_unit_test(sizes_report),
	    cmocka_unit_test(csv_streamed_with_quoting),
	    cmocka_unit_test(csv_cells_cannot_start_formulas_and_tags_survive),
	    cmocka_unit_test(a_slow_first_row_does_not_cut_the_csv),
	    cmocka_unit_test(cursors_stay_with_their_segment_and_filters),
	    cmocka_unit_test(unknown_segments_bad_parameters_other_tenants),
	};
	return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
