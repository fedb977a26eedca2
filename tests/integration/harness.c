/* harness.c - real server, real sockets. */
#include "harness.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void die(const char *what)
{
	fprintf(stderr, "harness: %s\n", what);
	exit(2);
}

long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		die("no free port");
	int port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* Servers still running and a cluster still stopped when a test fails are cleaned up
 * at exit, so a failed assertion never leaves a process holding ctest's pipe. */
#define MAX_SERVERS 16
static pid_t running[MAX_SERVERS];
static int pg_stopped;
static int pg_paused;

static void cleanup_at_exit(void)
{
	for (int i = 0; i < MAX_SERVERS; i++)
		if (running[i] > 0) {
			kill(running[i], SIGKILL);
			waitpid(running[i], NULL, 0);
		}
	if (pg_paused)
		pg_signal_all(SIGCONT);
	if (pg_stopped)
		pg_ctl_action("start");
}

static void track(pid_t pid, pid_t replace)
{
	static int registered;
	if (!registered) {
		atexit(cleanup_at_exit);
		registered = 1;
	}
	for (int i = 0; i < MAX_SERVERS; i++)
		if (running[i] == replace) {
			running[i] = pid;
			return;
		}
}

void server_start(struct server *s, const char *const *env)
{
	server_start_binary(s, LOYALTYD_BIN, env);
}

void server_start_binary(struct server *s, const char *binary, const char *const *env)
{
	const char *url = getenv("LOYALTYD_TEST_DATABASE_URL");
	if (!url)
		die("LOYALTYD_TEST_DATABASE_URL is unset: run scripts/test.sh");
	s->port = free_port();
	snprintf(s->log_path, sizeof(s->log_path), "server-%d.log", s->port);
	s->pid = fork();
	if (s->pid < 0)
		die("fork failed");
	if (s->pid == 0) {
		char listen[64];
		snprintf(listen, sizeof(listen), "127.0.0.1:%d", s->port);
		setenv("LOYALTYD_DATABASE_URL", url, 1);
		setenv("LOYALTYD_LISTEN", listen, 1);
		setenv("LOYALTYD_ADMIN_TOKEN", ADMIN_TOKEN, 1);
		setenv("LOYALTYD_THREADS", "4", 1);
		setenv("LOYALTYD_DB_POOL", "4", 1);
		/* Tests send hundreds of requests a second with one key and many deliberate
		 * 401s from one address; the limits are tested with settings of their own. */
		setenv("LOYALTYD_RATE_LIMIT", "0", 1);
		setenv("LOYALTYD_AUTH_FAILURES_PER_MINUTE", "0", 1);
		for (const char *const *e = env; e && *e; e++)
			putenv(strdup(*e));
		if (!freopen(s->log_path, "w", stderr) || !freopen("/dev/null", "w", stdout))
			_exit(127);
		execl(binary, binary, "serve", (char *)NULL);
		_exit(127);
	}
	track(s->pid, 0);
	long deadline = now_ms() + 30000;
	while (now_ms() < deadline) {
		struct response r;
		if (http(s->port, "GET", "/healthz", NULL, NULL, &r) == 0) {
			int ok = r.status == 200;
			response_free(&r);
			if (ok)
				return;
		}
		int status;
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			fprintf(stderr, "harness: loyaltyd exited early; see %s\n", s->log_path);
			exit(2);
		}
		usleep(50000);
	}
	die("loyaltyd did not become healthy within 30 s");
}

int server_stop(struct server *s)
{
	int status = 0;
	if (s->pid <= 0)
		return -1;
	kill(s->pid, SIGTERM);
	if (waitpid(s->pid, &status, 0) != s->pid)
		return -1;
	track(0, s->pid);
	s->pid = 0;
	if (WIFEXITED(status)) {
		if (WEXITSTATUS(status) != 0)
			fprintf(stderr, "harness: loyaltyd exited with %d; see %s\n",
			        WEXITSTATUS(status), s->log_path);
		return WEXITSTATUS(status);
	}
	return -1;
}

void server_forget(struct server *s)
{
	track(0, s->pid);
	s->pid = 0;
}

int conn_open(int port)
{
	return conn_open_from(port, NULL);
}

int conn_open_from(int port, const char *source)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd >= 0 && source) {
		struct sockaddr_in src = {.sin_family = AF_INET};
		if (inet_pton(AF_INET, source, &src.sin_addr) != 1 ||
		    bind(fd, (struct sockaddr *)&src, sizeof(src)) != 0) {
			close(fd);
			return -1;
		}
	}
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)port),
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct timeval tv = {.tv_sec = 30};
	int one = 1;
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int conn_send(int fd, const char *bytes, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, bytes, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		bytes += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A tiny read buffer per connection read: responses are read byte-exact so a second
 * response on the same connection is left in the socket. */
static int read_byte(int fd, char *c)
{
	for (;;) {
		ssize_t n = recv(fd, c, 1, 0);
		if (n == 1)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		return -1;
	}
}

static int read_line(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	char c;
	while (read_byte(fd, &c) == 0) {
		if (n + 1 >= cap)
			return -1;
		buf[n++] = c;
		if (c == '\n') {
			buf[n] = '\0';
			return (int)n;
		}
	}
	return -1;
}

static int read_exact(int fd, char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = recv(fd, buf, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int conn_read_response(int fd, struct response *r)
{
	char line[8192];
	size_t headcap = 65536, headlen = 0;
	memset(r, 0, sizeof(*r));
	r->head = calloc(1, headcap);
	for (;;) {
		int n = read_line(fd, line, sizeof(line));
		if (n < 0)
			goto fail;
		if ((size_t)n + headlen + 1 >= headcap)
			goto fail;
		memcpy(r->head + headlen, line, (size_t)n);
		headlen += (size_t)n;
		r->head[headlen] = '\0';
		if (strcmp(line, "\r\n") == 0) {
			/* skip interim 1xx responses */
			if (strncmp(r->head, "HTTP/1.1 1", 10) == 0) {
				headlen = 0;
				continue;
			}
			break;
		}
	}
	if (sscanf(r->head, "HTTP/1.%*d %d", &r->status) != 1)
		goto fail;
	const char *cl = response_header(r, "Content-Length");
	const char *te = response_header(r, "Transfer-Encoding");
	if (r->status == 204 || r->status == 304) {
		/* never a body, whatever the headers say (RFC 9112 §6.3) */
		r->body = calloc(1, 1);
	} else if (te && strcasecmp(te, "chunked") == 0) {
		size_t cap = 1024;
		r->body = malloc(cap);
		for (;;) {
			if (read_line(fd, line, sizeof(line)) < 0)
				goto fail;
			size_t chunk = strtoul(line, NULL, 16);
			if (chunk == 0) {
				read_line(fd, line, sizeof(line));
				break;
			}
			if (r->body_len + chunk + 1 > cap) {
				while (r->body_len + chunk + 1 > cap)
					cap *= 2;
				r->body = realloc(r->body, cap);
			}
			if (read_exact(fd, r->body + r->body_len, chunk) != 0)
				goto fail;
			r->body_len += chunk;
			read_line(fd, line, sizeof(line));
		}
		r->body[r->body_len] = '\0';
	} else {
		size_t len = cl ? strtoul(cl, NULL, 10) : 0;
		r->body = malloc(len + 1);
		if (len && read_exact(fd, r->body, len) != 0)
			goto fail;
		r->body_len = len;
		r->body[len] = '\0';
	}
	return 0;
fail:
	response_free(r);
	return -1;
}

void response_free(struct response *r)
{
	free(r->head);
	free(r->body);
	r->head = r->body = NULL;
}

const char *response_header(const struct response *r, const char *name)
{
	static __thread char value[2048];
	size_t nlen = strlen(name);
	const char *p = r->head ? strchr(r->head, '\n') : NULL;
	while (p && p[1]) {
		p++;
		if (strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
			const char *v = p + nlen + 1;
			while (*v == ' ')
				v++;
			size_t n = strcspn(v, "\r\n");
			if (n >= sizeof(value))
				n = sizeof(value) - 1;
			memcpy(value, v, n);
			value[n] = '\0';
			return value;
		}
		p = strchr(p, '\n');
	}
	return NULL;
}

int response_single_error(const struct response *r, int status, const char *pointer,
                          const char *message)
{
	json_t *j = response_json(r);
	json_t *errors = json_object_get(j, "errors");
	json_t *e = json_array_get(errors, 0);
	const char *p = json_string_value(json_object_get(e, "pointer"));
	const char *m = json_string_value(json_object_get(e, "message"));
	int ok = r->status == status && json_array_size(errors) == 1 && p && m &&
	         strcmp(p, pointer) == 0 && (!message || strcmp(m, message) == 0);
	json_decref(j);
	return ok;
}

int response_bad_parameters(const struct response *r, const char *detail, const char *const *params,
                            const char *message)
{
	json_t *j = response_json(r);
	json_t *errors = json_object_get(j, "errors");
	const char *type = json_string_value(json_object_get(j, "type"));
	const char *d = json_string_value(json_object_get(j, "detail"));
	const char *ct = response_header(r, "Content-Type");
	int ok = r->status == 400 && ct && strcmp(ct, "application/problem+json") == 0 && type &&
	         strcmp(type, "urn:loyaltyd:problem:invalid-parameter") == 0 && d &&
	         strcmp(d, detail) == 0;
	size_t n = 0;
	for (; ok && params[n]; n++) {
		json_t *e = json_array_get(errors, n);
		const char *p = json_string_value(json_object_get(e, "parameter"));
		const char *m = json_string_value(json_object_get(e, "message"));
		ok = p && m && strcmp(p, params[n]) == 0 && strcmp(m, message) == 0;
	}
	ok = ok && json_array_size(errors) == n;
	if (!ok)
		fprintf(stderr, "not the expected 400: %d %s\n", r->status, r->body ? r->body : "");
	json_decref(j);
	return ok;
}

json_t *response_json(const struct response *r)
{
	return r->body ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
}

int json_matches(const json_t *got, const char *expected)
{
	json_error_t error;
	json_t *want = json_loads(expected, 0, &error);
	if (!want) {
		fprintf(stderr, "json_matches: the expected text is no JSON (%s): %s\n", error.text,
		        expected);
		return 0;
	}
	int ok = got && json_equal(got, want);
	if (!ok) {
		char *g = got ? json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		char *w = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
		fprintf(stderr, "got  %s\nwant %s\n", g ? g : "(no JSON)", w);
		free(g);
		free(w);
	}
	json_decref(want);
	return ok;
}

int response_json_equal(const struct response *r, const char *expected, const char *const *ignore)
{
	json_t *got = response_json(r);
	for (const char *const *k = ignore; got && k && *k; k++)
		json_object_del(got, *k);
	if (!got)
		fprintf(stderr, "response_json_equal: the body is no JSON: %s\n",
		        r->body ? r->body : "(none)");
	int ok = json_matches(got, expected);
	json_decref(got);
	return ok;
}

int http_raw(int port, const char *bytes, size_t len, struct response *r)
{
	int fd = conn_open(port);
	if (fd < 0)
		return -1;
	int rc = conn_send(fd, bytes, len) == 0 ? conn_read_response(fd, r) : -1;
	close(fd);
	return rc;
}

int http(int port, const char *method, const char *path, const char *const *headers,
         const char *body, struct response *r)
{
	size_t blen = body ? strlen(body) : 0;
	size_t cap = 4096 + blen + strlen(path);
	char *req = malloc(cap);
	size_t n = (size_t)snprintf(req, cap, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n", method,
	                            path, port);
	for (const char *const *h = headers; h && *h; h++)
		n += (size_t)snprintf(req + n, cap - n, "%s\r\n", *h);
	if (body)
		n += (size_t)snprintf(req + n, cap - n, "Content-Length: %zu\r\n", blen);
	n += (size_t)snprintf(req + n, cap - n, "Connection: close\r\n\r\n");
	if (body) {
		memcpy(req + n, body, blen);
		n += blen;
	}
	int rc = http_raw(port, req, n, r);
	free(req);
	return rc;
}

/* POSTs body with key and returns the 201 answer's JSON; aborts on anything else. */
static json_t *created(int port, const char *key, const char *path, const char *body)
{
	struct response r = {0};
	if (call_as(port, key, "POST", path, body, NULL, &r) != 0 || r.status != 201) {
		fprintf(stderr, "harness: cannot POST %s: %d %s\n", path, r.status,
		        r.body ? r.body : "");
		exit(2);
	}
	json_t *j = response_json(&r);
	response_free(&r);
	return j;
}

int call_as(int port, const char *key, const char *method, const char *path, const char *body,
            const char *const *headers, struct response *r)
{
	size_t count = 0;
	int typed = 0;
	for (const char *const *e = headers; e && *e; e++, count++)
		typed |= strncasecmp(*e, "Content-Type:", 13) == 0;
	const char **h = calloc(count + 3, sizeof(*h));
	char *auth = NULL;
	size_t n = 0;
	if (key) {
		size_t len = strlen(key) + 32;
		auth = malloc(len);
		snprintf(auth, len, "Authorization: Bearer %s", key);
		h[n++] = auth;
	}
	if (body && !typed)
		h[n++] = "Content-Type: application/json";
	for (size_t i = 0; i < count; i++)
		h[n++] = headers[i];
	int rc = http(port, method, path, h, body, r);
	free(auth);
	free(h);
	return rc;
}

void create_tenant(int port, const char *name, char tenant_id[37], char key[64])
{
	char body[256];
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	json_t *j = created(port, ADMIN_TOKEN, "/v1/admin/tenants", body);
	snprintf(tenant_id, 37, "%s",
	         json_string_value(json_object_get(json_object_get(j, "tenant"), "id")));
	snprintf(key, 64, "%s",
	         json_string_value(json_object_get(json_object_get(j, "api_key"), "secret")));
	json_decref(j);
}

void create_key(int port, const char *admin_key, const char *scopes_json, char key[64],
                char key_id[37])
{
	char body[256];
	snprintf(body, sizeof(body), "{\"name\":\"test key\",\"scopes\":%s}", scopes_json);
	json_t *j = created(port, admin_key, "/v1/keys", body);
	snprintf(key, 64, "%s", json_string_value(json_object_get(j, "secret")));
	snprintf(key_id, 37, "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
}

void fixture_setup(void **state, struct fixture *f, const char *const *env, const char *tenant_name)
{
	server_start(&f->srv, env);
	if (tenant_name)
		create_tenant(f->srv.port, tenant_name, f->tenant, f->key);
	*state = f;
}

int fixture_teardown(void **state)
{
	struct fixture *f = *state;
	if (f->srv.pid == 0)
		return 0;
	return server_stop(&f->srv) == 0 ? 0 : -1;
}

/* A test reading the outbox (outbound_messages, outbound_tiers) reads what the fan-out
 * makes of the events recorded so far, as GET /v1/event-endpoints/{id}/messages does: the
 * events ingest records become messages at the next fan-out
 * (sql/functions/52_outbound_fan_out.sql), which the tests with LOYALTYD_OUTBOUND_WORKERS=0 would
 * otherwise never see. */
void db_fan_out_first(PGconn *c, const char *sql)
{
	if (!strstr(sql, "outbound_messages") && !strstr(sql, "outbound_tiers"))
		return;
	PGresult *r = PQexec(c, "SELECT outbound_fan_out(100000, true)");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "harness: fan-out: %s\n", PQerrorMessage(c));
		exit(2);
	}
	PQclear(r);
}

static long db_long_fanned(const char *sql, const char *param, bool fan_out)
{
	PGconn *c = PQconnectdb(getenv("LOYALTYD_TEST_DATABASE_URL"));
	const char *params[] = {param};
	if (PQstatus(c) != CONNECTION_OK)
		die("cannot connect to the test database");
	if (fan_out)
		db_fan_out_first(c, sql);
	PGresult *r = PQexecParams(c, sql, param ? 1 : 0, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		fprintf(stderr, "harness: %s: %s\n", sql, PQerrorMessage(c));
		exit(2);
	}
	long v = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	PQfinish(c);
	return v;
}

long db_long(const char *sql, const char *param)
{
	return db_long_fanned(sql, param, true);
}

long db_long_as_is(const char *sql, const char *param)
{
	return db_long_fanned(sql, param, false);
}

int ledger_invariant(void **state)
{
	(void)state;
	long bad = db_long(
	    "SELECT count(*) FROM customers c, points_state(c.tenant_id, c.id, now(), 365) s, "
	    "points_totals(c.tenant_id, c.id, now(), 365) q "
	    "WHERE s.balance < 0 OR s.balance + s.lapsed <> (SELECT coalesce(sum(points), 0) "
	    "FROM points_ledger l WHERE l.tenant_id = c.tenant_id AND l.customer_id = c.id) "
	    "OR (s.balance, s.lapsed, s.earned_in_window) <> (q.balance, q.lapsed, "
	    "q.earned_in_window)",

	    NULL);
	if (bad != 0)
		fprintf(stderr, "harness: %ld customers break the ledger invariant\n", bad);
	/* rewards: issued counts the coupons issued, never past the stock, and each issued
	 * coupon has the one redeem entry that spent its points */
	long coupons = db_long(
	    "SELECT (SELECT count(*) FROM rewards r WHERE r.issued <> (SELECT count(*) FROM "
	    "coupons "
	    "k WHERE k.tenant_id = r.tenant_id AND k.reward_id = r.id AND k.status <> 'available') "
	    "OR r.issued > coalesce(r.stock, r.issued)) + (SELECT count(*) FROM coupons k WHERE "
	    "k.status <> 'available' AND NOT EXISTS (SELECT 1 FROM points_ledger l WHERE "
	    "l.tenant_id = k.tenant_id AND l.id = k.redeem_entry_id AND l.kind = 'redeem' AND "
	    "l.customer_id = k.customer_id AND l.points = -k.points AND l.reference = 'coupon:' "
	    "|| k.code))",
	    NULL);
	if (coupons != 0)
		fprintf(stderr, "harness: %ld rewards or coupons break the coupon invariant\n",
		        coupons);
	return bad == 0 && coupons == 0 ? 0 : -1;
}

int pg_ctl_action(const char *action)

{
	char cmd[1024];
	const char *script = getenv("LOYALTYD_TEST_PG");
	const char *dir = getenv("LOYALTYD_TEST_PGDIR");
	if (!script || !dir)
		die("LOYALTYD_TEST_PG/LOYALTYD_TEST_PGDIR unset: run scripts/test.sh");
	/* "stop immediate": the verb, the cluster, then the mode */
	char verb[32];
	const char *mode = strchr(action, ' ');
	snprintf(verb, sizeof(verb), "%.*s", mode ? (int)(mode - action) : (int)strlen(action),
	         action);
	snprintf(cmd, sizeof(cmd), "'%s' %s '%s' %s </dev/null >/dev/null", script, verb, dir,
	         mode ? mode + 1 : "");
	int rc = system(cmd);
	if (rc == 0)
		pg_stopped = strcmp(verb, "stop") == 0;
	return rc;
}

/* The pids of the cluster's postmaster (first) and its children, from postmaster.pid and
 * /proc; returns how many were written. */
static int pg_pids(pid_t *out, int max)
{
	char path[512], line[64];
	const char *dir = getenv("LOYALTYD_TEST_PGDIR");
	int n = 0;
	if (!dir)
		die("LOYALTYD_TEST_PGDIR unset: run scripts/test.sh");
	snprintf(path, sizeof(path), "%s/data/postmaster.pid", dir);
	FILE *f = fopen(path, "r");
	if (!f || !fgets(line, sizeof(line), f))
		die("no postmaster.pid");
	fclose(f);
	pid_t master = (pid_t)strtol(line, NULL, 10);
	out[n++] = master;
	DIR *proc = opendir("/proc");
	struct dirent *e;
	while (proc && (e = readdir(proc)) != NULL && n < max) {
		char stat[512], buf[512];
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(stat, sizeof(stat), "/proc/%s/stat", e->d_name);
		FILE *sf = fopen(stat, "r");
		if (!sf)
			continue;
		size_t len = fread(buf, 1, sizeof(buf) - 1, sf);
		fclose(sf);
		buf[len] = '\0';
		const char *close_paren = strrchr(buf, ')');
		int ppid = 0;
		if (close_paren && sscanf(close_paren + 2, "%*c %d", &ppid) == 1 && ppid == master)
			out[n++] = (pid_t)strtol(e->d_name, NULL, 10);
	}
	if (proc)
		closedir(proc);
	return n;
}

int pg_signal_all(int sig)
{
	pid_t pids[512];
	int n = pg_pids(pids, 512);
	/* the children first, so that the postmaster never sees them change state alone */
	for (int i = n - 1; i >= 0; i--)
		kill(pids[i], sig);
	pg_paused = sig == SIGSTOP;
	return n;
}

json_t *api_json(int port, const char *key, const char *method, const char *path, const char *body,
                 int status)
{
	struct response r;
	if (call_as(port, key, method, path, body, NULL, &r) != 0)
		fail_msg("%s %s: no answer", method, path);
	if (r.status != status) {
		fprintf(stderr, "%s %s: %d %s\n", method, path, r.status, r.body);
		response_free(&r);
		fail_msg("%s %s: not %d", method, path, status);
	}
	json_t *j = response_json(&r);
	response_free(&r);
	return j;
}

long long json_int(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

const char *time_ago(double days, char buf[32])
{
	time_t t = time(NULL) - (time_t)(days * 86400);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

void create_nps_survey(int port, const char *key, char path[128])
{
	json_t *survey =
	    api_json(port, key, "POST", "/v1/surveys",
	             "{\"name\":\"NPS\",\"kind\":\"nps\",\"question\":\"Recommend?\"}", 201);
	snprintf(path, 128, "/v1/surveys/%s/responses",
	         json_string_value(json_object_get(survey, "id")));
	json_decref(survey);
}

void create_nps_answers(int port, const char *key, size_t n, const char *const customers[],
                        const int scores[])
{
	char path[128], body[192];
	create_nps_survey(port, key, path);
	for (size_t i = 0; i < n; i++) {
		snprintf(body, sizeof(body), "{\"customer_id\":\"%s\",\"score\":%d}", customers[i],
		         scores[i]);
		json_decref(api_json(port, key, "POST", path, body, 201));
	}
}

void receiver_start(struct receiver *rc, int port, const char *secrets_json, const char *out)
{
	char script[512], portarg[16];
	json_t *secrets = secrets_json ? json_loads(secrets_json, 0, NULL) : json_array();
	if (!json_is_array(secrets) || json_array_size(secrets) > 8)
		die("receiver_start: secrets must be a JSON array of at most 8");
	rc->port = port > 0 ? port : free_port();
	if (out)
		snprintf(rc->out, sizeof(rc->out), "%s", out);
	else {
		snprintf(rc->out, sizeof(rc->out), "receiver-%d.jsonl", rc->port);
		unlink(rc->out);
	}
	snprintf(script, sizeof(script), "%s/tests/e2e/receiver.mjs", SOURCE_DIR);
	snprintf(portarg, sizeof(portarg), "%d", rc->port);
	const char *argv[16] = {"node", script, portarg, rc->out};
	for (size_t i = 0; i < json_array_size(secrets); i++)
		argv[4 + i] = json_string_value(json_array_get(secrets, i));
	rc->pid = fork();
	if (rc->pid < 0)
		die("fork failed");
	if (rc->pid == 0) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execvp("node", (char *const *)argv);
		_exit(127);
	}
	json_decref(secrets);
	track(rc->pid, 0);
	long deadline = now_ms() + 30000;
	while (now_ms() < deadline) {
		struct response r;
		if (http(rc->port, "POST", "/_mode", NULL, "ok", &r) == 0) {
			int ok = r.status == 204;
			response_free(&r);
			if (ok)
				return;
		}
		if (waitpid(rc->pid, NULL, WNOHANG) == rc->pid)
			die("the receiver exited early (is node installed? scripts/tools: npm ci)");
		usleep(50000);
	}
	die("the receiver did not answer within 30 s");
}

void receiver_stop(struct receiver *rc)
{
	if (rc->pid <= 0)
		return;
	kill(rc->pid, SIGKILL);
	waitpid(rc->pid, NULL, 0);
	track(0, rc->pid);
	rc->pid = 0;
}

static void receiver_post(const struct receiver *rc, const char *path, const char *body)
{
	struct response r;
	if (http(rc->port, "POST", path, NULL, body, &r) != 0 || r.status != 204)
		die("the receiver refused a change of mode or secrets");
	response_free(&r);
}

void receiver_mode(const struct receiver *rc, const char *mode)
{
	receiver_post(rc, "/_mode", mode);
}

void receiver_secrets(const struct receiver *rc, const char *secrets_json)
{
	receiver_post(rc, "/_secrets", secrets_json);
}

json_t *receiver_records(const struct receiver *rc)
{
	json_t *all = json_array();
	FILE *f = fopen(rc->out, "r");
	char *line = NULL;
	size_t cap = 0;
	while (f && getline(&line, &cap, f) > 0) {
		json_t *j = json_loads(line, 0, NULL);
		if (j) /* a line being written this moment is not whole yet: left for next time */
			json_array_append_new(all, j);
	}
	free(line);
	if (f)
		fclose(f);
	return all;
}

const char *db_text(const char *sql, const char *param, char *buf, size_t cap)
{
	PGconn *c = PQconnectdb(getenv("LOYALTYD_TEST_DATABASE_URL"));
	const char *params[] = {param};
	if (PQstatus(c) != CONNECTION_OK)
		die("cannot connect to the test database");
	db_fan_out_first(c, sql);
	PGresult *r = PQexecParams(c, sql, param ? 1 : 0, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		fprintf(stderr, "harness: %s: %s\n", sql, PQerrorMessage(c));
		exit(2);
	}
	snprintf(buf, cap, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return buf;
}
