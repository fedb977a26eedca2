/* harness.h - integration test support: starts the real loyaltyd binary against the real
 * test PostgreSQL (scripts/test.sh sets LOYALTYD_TEST_*), and speaks HTTP/1.1 to it over
 * real sockets. The client is deliberately small and raw so tests can send exactly the
 * bytes they mean, malformed ones included. */
#ifndef LOYALTYD_TEST_HARNESS_H
#define LOYALTYD_TEST_HARNESS_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define ADMIN_TOKEN "test-admin-token-0123456789"

struct server {
	pid_t pid;
	int port;
	char log_path[256];
};

/* Starts loyaltyd on a free port with the test database and ADMIN_TOKEN; env lists extra
 * "NAME=value" settings (NULL-terminated, may be NULL). Waits until /healthz answers.
 * Aborts the test program on failure. */
void server_start(struct server *s, const char *const *env);

/* server_start() with another build of loyaltyd (the test build is ASan's, whose
 * allocator keeps freed memory in quarantine: memory figures need a plain build). */
void server_start_binary(struct server *s, const char *binary, const char *const *env);

/* Sends SIGTERM and waits; returns the exit status (0 expected: a clean stop with no
 * sanitizer report), or -1 when it was killed by a signal. */
int server_stop(struct server *s);

/* Marks a server the test waited for itself as stopped. */
void server_forget(struct server *s);

struct response {
	int status;
	char *head; /* status line and headers, NUL-terminated */
	char *body; /* NUL-terminated */
	size_t body_len;
};

/* One request on a new connection. headers is a NULL-terminated list of "Name: value"
 * lines (may be NULL); body may be NULL. Content-Length is added when body is given.
 * Returns 0, or -1 when the connection failed. Release with response_free(). */
int http(int port, const char *method, const char *path, const char *const *headers,
         const char *body, struct response *r);

/* http() as the holder of key: adds "Authorization: Bearer key" (none when key is NULL) and,
 * when body is given and headers name no Content-Type, "Content-Type: application/json";
 * then the extra headers (NULL-terminated "Name: value" lines, may be NULL). Returns 0, or
 * -1 when the connection failed. Release with response_free(). */
int call_as(int port, const char *key, const char *method, const char *path, const char *body,
            const char *const *headers, struct response *r);

/* Sends raw bytes on a new connection and reads one response. */
int http_raw(int port, const char *bytes, size_t len, struct response *r);

/* Opens a connection; returns the socket or -1. */
int conn_open(int port);

/* Opens a connection from the local address source ("127.0.0.2": another client address
 * on the loopback), or from any when NULL; returns the socket or -1. */
int conn_open_from(int port, const char *source);

/* Writes all bytes; returns 0 or -1. */
int conn_send(int fd, const char *bytes, size_t len);

/* Reads exactly one response (Content-Length or chunked) from fd. Returns 0 or -1. */
int conn_read_response(int fd, struct response *r);

void response_free(struct response *r);

/* Returns the value of a header of the response (case-insensitive name), copied into a
 * static buffer, or NULL. */
const char *response_header(const struct response *r, const char *name);

/* Returns 1 when r has the status and a problem+json body whose errors hold exactly one
 * entry with this pointer and message (NULL: any message), else 0. */
int response_single_error(const struct response *r, int status, const char *pointer,
                          const char *message);

/* Returns 1 when r is a 400 "invalid-parameter" problem+json with this detail whose errors
 * name exactly the parameters of params (NULL-terminated), in that order, each with
 * message; else 0, after printing the answer to stderr. */
int response_bad_parameters(const struct response *r, const char *detail, const char *const *params,
                            const char *message);

/* Parses the body as JSON; returns a new reference or NULL. */
json_t *response_json(const struct response *r);

/* The answer to an Idempotency-Key sent again with another request. */
#define PROBLEM_KEY_REUSED                                                                         \
	"{\"type\":\"urn:loyaltyd:problem:idempotency-key-reused\",\"title\":\"Unprocessable "     \
	"Content\",\"status\":422,\"detail\":\"this Idempotency-Key was used for another "         \
	"request\"}"

/* Returns 1 when got equals the JSON text expected (jansson's json_equal: same members,
 * any order; the same array elements in the same order), else 0, after printing both to
 * stderr. got may be NULL (no JSON), which never equals. */
int json_matches(const json_t *got, const char *expected);

/* json_matches() on r's body parsed as JSON, after deleting the top-level members named
 * in ignore (NULL-terminated, may be NULL: ids, times and other volatile members). */
int response_json_equal(const struct response *r, const char *expected, const char *const *ignore);

/* call_as() with no extra headers; fails the running cmocka test unless the answer has
 * status, and returns the answer's JSON (NULL when it has none), which the caller decrefs. */
json_t *api_json(int port, const char *key, const char *method, const char *path, const char *body,
                 int status);

/* Creates an NPS survey with key and writes the path its answers are posted to
 * ("/v1/surveys/{id}/responses") into path. */
void create_nps_survey(int port, const char *key, char path[128]);

/* Creates an NPS survey with key and answers it once for each of the n customers, with the
 * score of the same index. */
void create_nps_answers(int port, const char *key, size_t n, const char *const customers[],
                        const int scores[]);

/* The integer member k of o (0 when missing). */

long long json_int(const json_t *o, const char *k);

/* An RFC 3339 UTC time (whole seconds) `days` days before now, written into buf. */
const char *time_ago(double days, char buf[32]);

/* Creates a tenant through POST /v1/admin/tenants; writes its id and admin key. */
void create_tenant(int port, const char *name, char tenant_id[37], char key[64]);

/* Creates a key with the given scopes (a JSON array text, e.g. "[\"read\"]") using
 * admin_key; writes the secret and id. */
void create_key(int port, const char *admin_key, const char *scopes_json, char key[64],
                char key_id[37]);

/* The set-up most test files share: one server and one tenant with its admin key. */
struct fixture {
	struct server srv;
	char tenant[37];
	char key[64];
};

/* A cmocka group set-up's body: starts f's server with env (NULL-terminated
 * "NAME=value" settings, may be NULL), creates the tenant named tenant_name (none when
 * NULL) and makes f the group's state, for fixture_teardown(). Aborts on failure. */
void fixture_setup(void **state, struct fixture *f, const char *const *env,
                   const char *tenant_name);

/* A cmocka group teardown: stops the server of the fixture in *state, if it still runs;
 * fails unless it stopped cleanly (exit status 0, so no sanitizer report). */
int fixture_teardown(void **state);

/* Runs scripts/pg.sh ACTION on the test cluster ("stop", "stop immediate", "start").
 * Returns its status. */
int pg_ctl_action(const char *action);

/* Sends sig to the test cluster's postmaster and every process it started (SIGSTOP hangs
 * the database, SIGCONT resumes it). Returns how many processes were signalled. */
int pg_signal_all(int sig);

/* Runs the outbox's fan-out on c first when sql reads outbound_messages or outbound_tiers. */
void db_fan_out_first(PGconn *c, const char *sql);
/* Runs sql with one text parameter $1 on the test database and returns the first column
 * of the first row as a number (a count), after db_fan_out_first. Aborts on error. */
long db_long(const char *sql, const char *param);
/* db_long without the fan-out: the outbox as it stands. */
long db_long_as_is(const char *sql, const char *param);

/* A cmocka teardown: fails unless every customer's points hold the ledger invariant —
 * balance never below zero, balance plus lapsed-but-unwritten points equal to the sum of
 * the ledger, and the writers' shortcut (points_totals) equal to the full computation
 * (points_state) — and every reward's coupons theirs: issued equal to the coupons issued,
 * never above the stock, each issued coupon with the one redeem entry that spent it. */

int ledger_invariant(void **state);

/* Returns a TCP port on 127.0.0.1 that was free a moment ago. */

int free_port(void);

/* Milliseconds since an arbitrary start. */
long now_ms(void);

/* The Standard Webhooks receiver of tests/e2e/receiver.mjs (node), a separate process on
 * 127.0.0.1: it verifies every delivery with the npm standardwebhooks package against its
 * secrets, records one JSON line per delivery in out, and answers as its mode says. */
struct receiver {
	pid_t pid;
	int port;
	char out[256];
};

/* Starts a receiver on port (a free one when 0; the same port again to bring one back)
 * with the JSON array of secrets (may be NULL: none) and the mode "ok"; its records go to
 * out (a file of its own when NULL; kept when it is given again). Waits until it answers.
 * Aborts on failure. */
void receiver_start(struct receiver *rc, int port, const char *secrets_json, const char *out);

/* Stops the receiver (SIGKILL: it holds nothing) and waits; its port is free after. */
void receiver_stop(struct receiver *rc);

/* Changes how it answers: "ok", "status:N", "slow:MS", "hang", "redirect", "huge". */
void receiver_mode(const struct receiver *rc, const char *mode);

/* Replaces its secrets with the JSON array secrets_json. */
void receiver_secrets(const struct receiver *rc, const char *secrets_json);

/* Its records so far, a new JSON array of objects {"id", "timestamp", "type",
 * "customer_id", "content_type", "body", "verified", "error", "mode", "at"}. */
json_t *receiver_records(const struct receiver *rc);

/* Runs sql (no result needed: wrap a write as "WITH w AS (UPDATE … RETURNING 1) SELECT
 * count(*) FROM w") with one text parameter $1 and copies the first column of the first
 * row into buf (empty for NULL). Aborts on error. */
const char *db_text(const char *sql, const char *param, char *buf, size_t cap);

#endif
