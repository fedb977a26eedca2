/* db.c - connection pool, prepared queries and the transaction helper. */
#include "store/db.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/embedded.h"
#include "base/log.h"

#define DB_TENANT_CACHE 512

/* How long checkouts fail fast after the server was found hung (Retry-After is 1 s). */
#define DB_HUNG_PAUSE_MS 1000

struct db {
	struct pool *pool;
	PGconn *conn;
	bool broken;
	bool lost; /* a connection was dropped as broken; the next open counts as a reconnect */
	bool in_use;
	bool timed_out; /* the last round trip passed the deadline: the server may be hung */
	/* loyaltyd.tenant as last set on this session ("" at connect: none), so that it is
	 * sent only when the next work is for another tenant; "\x01" when unknown */
	char tenant[DB_TENANT_CACHE];
	long deadline_ms; /* LOYALTYD_DB_DEADLINE_MS */
	bool prepared[SQL_QUERY_COUNT + 1];
	bool prepared_reports[SQL_REPORT_COUNT + 1];
};

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t available;
	struct db *conns;
	int size;
	int in_use;
	int waiting;
	unsigned long timeouts;
	unsigned long reconnects;
	long checkout_ms;
	long connect_ms;
	/* Until then (monotonic ms) checkouts answer DB_UNAVAILABLE at once: the server hung
	 * on a connection a moment ago, and requests should not pile up on it (each holding a
	 * thread) while it stays hung. */
	atomic_long hung_until;
	/* A failed connection attempt is logged once per outage, not once per attempt (every
	 * request tries while the server is away); the count is logged when it is back. */
	atomic_bool outage;
	atomic_ulong failed_attempts;
	char url[CONFIG_STR_MAX];
	char options[256];
	char connect_timeout[16];
};

/* The calling thread's unit of work (db.h): one transaction that every pooled call of
 * this thread joins until db_unit_end(). */
struct unit {
	struct pool *pool; /* NULL: no unit held */
	struct db *db;
	bool doomed;
	char tenant[DB_TENANT_CACHE];
};

static _Thread_local struct unit unit;

/* The unit's connection when fn's work for pool and tenant joins it, else NULL; *st is
 * DB_ERROR when the unit is for another tenant (a bug, logged). */
static struct db *unit_join(struct pool *pool, const char *tenant, enum db_status *st)
{
	*st = DB_OK;
	if (unit.pool != pool || !pool)
		return NULL;
	if (strcmp(unit.tenant, tenant ? tenant : "") != 0) {
		log_msg(LOG_ERROR, "work for another tenant inside a unit of work", tenant);
		unit.doomed = true;
		*st = DB_ERROR;
	}
	return unit.db;
}

/* Records the outcome of work that joined the unit: anything but DB_OK dooms it. */
static enum db_status unit_note(enum db_status st)
{
	if (st != DB_OK)
		unit.doomed = true;
	return st;
}

static long monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pool_init(struct pool **out, const struct config *cfg)
{
	struct pool *p = calloc(1, sizeof(*p));
	if (!p)
		return -1;
	p->size = (int)cfg->db_pool;
	p->conns = calloc((size_t)p->size, sizeof(*p->conns));
	if (!p->conns) {
		free(p);
		return -1;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->available, NULL);
	for (int i = 0; i < p->size; i++) {
		p->conns[i].pool = p;
		p->conns[i].deadline_ms = cfg->db_deadline_ms;
	}
	p->checkout_ms = cfg->db_checkout_ms;
	p->connect_ms = cfg->db_connect_timeout_s * 1000;
	snprintf(p->url, sizeof(p->url), "%s", cfg->database_url);
	/* Server-side limits on every connection: a runaway query, a lock wait or a
	 * transaction left open by a bug cannot hold a connection forever. JIT off: compiling
	 * a report's plan took half a second where running it took 36 ms (bench/RESULTS.md). */
	/* and the role loyaltyd works as, under row-level security (0018_row_level_security) */
	snprintf(p->options, sizeof(p->options),
	         "-c statement_timeout=%ld -c lock_timeout=%ld "
	         "-c idle_in_transaction_session_timeout=%d -c TimeZone=UTC -c jit=off%s%s",
	         cfg->db_statement_timeout_ms,
	         cfg->db_statement_timeout_ms ? cfg->db_statement_timeout_ms : 10000L, 60000,
	         cfg->db_role[0] ? " -c role=" : "", cfg->db_role);
	snprintf(p->connect_timeout, sizeof(p->connect_timeout), "%ld", cfg->db_connect_timeout_s);
	*out = p;
	return 0;
}

void pool_free(struct pool *pool)
{
	if (!pool)
		return;
	for (int i = 0; i < pool->size; i++)
		if (pool->conns[i].conn)
			PQfinish(pool->conns[i].conn);
	pthread_cond_destroy(&pool->available);
	pthread_mutex_destroy(&pool->lock);
	free(pool->conns);
	free(pool);
}

/* Returns true when the idle connection is still usable. Reads whatever the server sent
 * while it sat in the pool (a shutdown notice, EOF) without blocking. */
static bool conn_alive(PGconn *conn)
{
	if (PQstatus(conn) != CONNECTION_OK)
		return false;
	if (PQconsumeInput(conn) == 0)
		return false;
	return PQstatus(conn) == CONNECTION_OK;
}

void db_log_notice(void *arg, const PGresult *res)
{
	(void)arg;
	const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	/* the primary message only, never DETAIL, which may quote a row (see classify) */
	json_t *f = json_pack("{s:s, s:s, s:s}", "severity", severity ? severity : "", "sqlstate",
	                      state ? state : "", "detail", primary ? primary : "");
	log_event(severity && strcmp(severity, "WARNING") == 0 ? LOG_WARN : LOG_INFO,
	          "postgresql notice", f);
}

static enum db_status conn_open(struct pool *pool, struct db *db)
{
	const char *keys[] = {"dbname", "options", "connect_timeout", "application_name", NULL};
	const char *vals[] = {pool->url, pool->options, pool->connect_timeout, "loyaltyd", NULL};
	if (db->conn)
		PQfinish(db->conn);
	memset(db->prepared, 0, sizeof(db->prepared));
	memset(db->prepared_reports, 0, sizeof(db->prepared_reports));
	db->broken = false;
	db->timed_out = false;
	db->tenant[0] = '\0';
	/* Asynchronously, under one deadline for the whole attempt: libpq's connect_timeout
	 * applies to each step and each retry (SSL first, then without), so a server that
	 * accepts connections but never answers (stopped, or behind a black hole) would hold
	 * a request several times as long. */
	db->conn = PQconnectStartParams(keys, vals, 1);
	long deadline = monotonic_ms() + pool->connect_ms;
	PostgresPollingStatusType ps = PGRES_POLLING_WRITING;
	const char *why = "out of memory";
	while (db->conn && PQstatus(db->conn) != CONNECTION_BAD && ps != PGRES_POLLING_OK &&
	       ps != PGRES_POLLING_FAILED) {
		struct pollfd p = {.fd = PQsocket(db->conn),
		                   .events = ps == PGRES_POLLING_READING ? POLLIN : POLLOUT};
		long left = deadline - monotonic_ms();
		int n = left > 0 ? poll(&p, 1, (int)left) : 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			why = "no answer within LOYALTYD_DB_CONNECT_TIMEOUT_S";
			atomic_store(&pool->hung_until, monotonic_ms() + DB_HUNG_PAUSE_MS);
			break;
		}
		ps = PQconnectPoll(db->conn);
	}
	if (db->conn && PQstatus(db->conn) == CONNECTION_OK) {
		PQsetNoticeReceiver(db->conn, db_log_notice, NULL);
		if (atomic_exchange(&pool->outage, false)) {
			char detail[96];
			snprintf(detail, sizeof(detail), "after %lu failed connection attempts",
			         atomic_exchange(&pool->failed_attempts, 0));
			log_msg(LOG_INFO, "database connection restored", detail);
		}
		return DB_OK;
	}
	atomic_fetch_add(&pool->failed_attempts, 1);
	if (!atomic_exchange(&pool->outage, true))
		log_msg(LOG_WARN,
		        "database connection failed; further failures are not logged until "
		        "a connection succeeds",
		        db->conn && PQstatus(db->conn) == CONNECTION_BAD ? PQerrorMessage(db->conn)
		                                                         : why);
	if (db->conn)
		PQfinish(db->conn);
	db->conn = NULL;
	return DB_UNAVAILABLE;
}

enum db_status pool_acquire(struct pool *pool, struct db **out)
{
	struct timespec deadline;
	struct db *db = NULL;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += pool->checkout_ms / 1000;
	deadline.tv_nsec += (pool->checkout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	if (monotonic_ms() < atomic_load(&pool->hung_until))
		return DB_UNAVAILABLE;
	pthread_mutex_lock(&pool->lock);
	for (;;) {
		/* Prefer an open connection, so idle ones are not reconnected needlessly. */
		for (int i = 0; i < pool->size && !db; i++)
			if (!pool->conns[i].in_use && pool->conns[i].conn)
				db = &pool->conns[i];
		for (int i = 0; i < pool->size && !db; i++)
			if (!pool->conns[i].in_use)
				db = &pool->conns[i];
		if (db)
			break;
		pool->waiting++;
		int rc = pthread_cond_timedwait(&pool->available, &pool->lock, &deadline);
		pool->waiting--;
		if (rc == ETIMEDOUT) {
			pool->timeouts++;
			pthread_mutex_unlock(&pool->lock);
			return DB_BUSY;
		}
	}
	db->in_use = true;
	pool->in_use++;
	pthread_mutex_unlock(&pool->lock);

	/* Connecting happens outside the lock: it may take up to connect_timeout. */
	if (db->conn == NULL || !conn_alive(db->conn)) {
		if (db->conn)
			db->lost = true;
		if (conn_open(pool, db) != DB_OK) {
			pool_release(pool, db);
			return DB_UNAVAILABLE;
		}
		if (db->lost) {
			db->lost = false;
			pthread_mutex_lock(&pool->lock);
			pool->reconnects++;
			pthread_mutex_unlock(&pool->lock);
		}
	}
	*out = db;
	return DB_OK;
}

void pool_release(struct pool *pool, struct db *db)
{
	if (db->conn && (db->broken || PQstatus(db->conn) != CONNECTION_OK ||
	                 PQtransactionStatus(db->conn) != PQTRANS_IDLE)) {
		/* Never hand on a connection in an unknown state. */
		PQfinish(db->conn);
		db->conn = NULL;
		db->lost = true;
	}
	pthread_mutex_lock(&pool->lock);
	db->in_use = false;
	pool->in_use--;
	pthread_cond_signal(&pool->available);
	pthread_mutex_unlock(&pool->lock);
}

void pool_get_stats(struct pool *pool, struct pool_stats *out)
{
	pthread_mutex_lock(&pool->lock);
	out->size = pool->size;
	out->open = 0;
	for (int i = 0; i < pool->size; i++)
		if (pool->conns[i].conn)
			out->open++;
	out->in_use = pool->in_use;
	out->waiting = pool->waiting;
	out->timeouts = pool->timeouts;
	out->reconnects = pool->reconnects;
	pthread_mutex_unlock(&pool->lock);
}

PGconn *db_conn(struct db *db)
{
	return db->conn;
}

void db_mark_broken(struct db *db)
{
	db->broken = true;
}

const char *db_status_name(enum db_status st)
{
	static const char *const names[] = {"ok",       "unavailable", "busy",
	                                    "conflict", "retry",       "timeout",
	                                    "invalid",  "rollback",    "error"};
	return (unsigned)st < sizeof(names) / sizeof(names[0]) ? names[st] : "unknown";
}

/* The one place where SQLSTATEs become statuses (problem.c maps statuses to HTTP). */
static enum db_status classify(struct db *db, const PGresult *res, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	enum db_status st = DB_ERROR;
	if (PQstatus(db->conn) != CONNECTION_OK) {
		db->broken = true;
		st = DB_UNAVAILABLE;
	} else if (state == NULL) {
		st = DB_ERROR;
	} else if (strcmp(state, "23505") == 0) {
		st = DB_CONFLICT;
	} else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) {
		st = DB_RETRY;
	} else if (strcmp(state, "57014") == 0 || strcmp(state, "55P03") == 0) {
		st = DB_TIMEOUT;
	} else if (strncmp(state, "22", 2) == 0) {
		st = DB_INVALID;
	} else if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0 ||
	           strcmp(state, "53300") == 0) {
		/* connection exception, admin shutdown, crash recovery, too many connections */
		db->broken = true;
		st = DB_UNAVAILABLE;
	}
	if (st != DB_CONFLICT) {
		/* The primary message and where it arose, never PostgreSQL's DETAIL: that quotes
		 * the failing row or key ("Failing row contains (…)"), which may hold a secret
		 * or a customer's data. */
		const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
		const char *context = res ? PQresultErrorField(res, PG_DIAG_CONTEXT) : NULL;
		json_t *f = json_pack("{s:s, s:s, s:s, s:s}", "query", what, "status",
		                      db_status_name(st), "sqlstate", state ? state : "", "detail",
		                      primary ? primary : PQerrorMessage(db->conn));
		if (context)
			json_object_set_new(f, "context", json_string(context));
		log_event(st == DB_ERROR ? LOG_ERROR : LOG_WARN, "database error", f);
	}
	return st;
}

static bool result_ok(const PGresult *res)
{
	ExecStatusType s = PQresultStatus(res);
	return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

/* The next result on db's connection, waiting for the server at most until deadline
 * (monotonic ms): libpq alone would wait forever for a server that is stopped or cut off
 * by the network, where server-side timeouts cannot fire. Returns the result (NULL at the
 * end of a statement's results); on a timeout or a broken connection returns NULL with
 * *failed set, and the connection marked broken: whatever was in flight has an unknown
 * outcome, so it is never used again. */
static PGresult *next_result(struct db *db, long deadline, bool *failed)
{
	*failed = false;
	while (PQisBusy(db->conn)) {
		long left = deadline - monotonic_ms();
		struct pollfd p = {.fd = PQsocket(db->conn), .events = POLLIN};
		int n = left > 0 ? poll(&p, 1, (int)left) : 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			db->timed_out = true;
			atomic_store(&db->pool->hung_until, monotonic_ms() + DB_HUNG_PAUSE_MS);
			log_msg(LOG_WARN, "database did not answer within LOYALTYD_DB_DEADLINE_MS",
			        "the connection is dropped");
		}
		if (n <= 0 || PQconsumeInput(db->conn) == 0) {
			db->broken = true;
			*failed = true;
			return NULL;
		}
	}
	return PQgetResult(db->conn);
}

/* The result of the one statement just sent (the rest of its results drained), waiting
 * at most db->deadline_ms; NULL with *failed set as next_result. */
static PGresult *await_result(struct db *db, bool *failed)
{
	long deadline = monotonic_ms() + db->deadline_ms;
	PGresult *first = next_result(db, deadline, failed), *r;
	while (!*failed && first && (r = next_result(db, deadline, failed)) != NULL)
		PQclear(r);
	if (*failed) {
		PQclear(first);
		return NULL;
	}
	return first;
}

/* Runs an already-sent statement to its result: r (caller clears) or a status. */
static enum db_status finish(struct db *db, bool sent, const char *what, PGresult **out)
{
	bool failed = false;
	PGresult *r = sent ? await_result(db, &failed) : NULL;
	*out = NULL;
	if (!sent || failed) {
		db->broken = true;
		if (!db->timed_out)
			(void)classify(db, NULL, what);
		return DB_UNAVAILABLE;
	}
	if (!r || !result_ok(r)) {
		enum db_status st = classify(db, r, what);
		PQclear(r);
		return st;
	}
	*out = r;
	return DB_OK;
}

/* Prepares q on db unless it is prepared already. */
static enum db_status ensure_prepared(struct db *db, enum sql_query q)
{
	const struct embedded_file *f = &embedded_queries[q];
	if (db->prepared[q])
		return DB_OK;
	PGresult *r = NULL;
	enum db_status st =
	    finish(db, PQsendPrepare(db->conn, f->name, f->data, 0, NULL) == 1, f->name, &r);
	PQclear(r);
	if (st == DB_OK)
		db->prepared[q] = true;
	return st;
}

enum db_status db_query(struct db *db, enum sql_query q, int nparams, const char *const *values,
                        PGresult **res)
{
	const struct embedded_file *f = &embedded_queries[q];
	PGresult *r = NULL;
	enum db_status st = DB_OK;
	if (res)
		*res = NULL;
	if ((st = ensure_prepared(db, q)) != DB_OK)
		return st;
	st = finish(db, PQsendQueryPrepared(db->conn, f->name, nparams, values, NULL, NULL, 0) == 1,
	            f->name, &r);
	if (st == DB_OK && res)
		*res = r;
	else
		PQclear(r);
	return st;
}

enum db_status db_report(struct db *db, enum sql_report r, int nparams, const char *const *values,
                         PGresult **res)
{
	const struct embedded_file *f = &embedded_reports[r];
	char name[96];
	PGresult *out = NULL;
	enum db_status st = DB_OK;
	if (res)
		*res = NULL;
	snprintf(name, sizeof(name), "report_%s", f->name);
	if (!db->prepared_reports[r]) {
		st =
		    finish(db, PQsendPrepare(db->conn, name, f->data, 0, NULL) == 1, f->name, &out);
		PQclear(out);
		if (st != DB_OK)
			return st;
		db->prepared_reports[r] = true;
	}
	st = finish(db, PQsendQueryPrepared(db->conn, name, nparams, values, NULL, NULL, 0) == 1,
	            f->name, &out);
	if (st == DB_OK && res)
		*res = out;
	else
		PQclear(out);
	return st;
}

enum db_status db_value(struct db *db, enum sql_query q, int nparams, const char *const *values,
                        char **value)
{
	PGresult *res = NULL;
	*value = NULL;
	enum db_status st = db_query(db, q, nparams, values, &res);
	if (st != DB_OK)
		return st;
	if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
		*value = strdup(PQgetvalue(res, 0, 0));
		if (!*value)
			st = DB_ERROR;
	}
	PQclear(res);
	return st;
}

enum db_status db_pipeline(struct db *db, struct db_step *steps, size_t n)
{
	enum db_status st = DB_OK;
	for (size_t i = 0; i < n; i++) {
		if (steps[i].res)
			*steps[i].res = NULL;
		if ((st = ensure_prepared(db, steps[i].q)) != DB_OK)
			return st;
	}
	if (PQenterPipelineMode(db->conn) != 1) {
		db->broken = true;
		return DB_UNAVAILABLE;
	}
	bool sent = true;
	for (size_t i = 0; i < n && sent; i++)
		sent = PQsendQueryPrepared(db->conn, embedded_queries[steps[i].q].name,
		                           steps[i].nparams, steps[i].values, NULL, NULL, 0) == 1;
	if (!sent || PQpipelineSync(db->conn) != 1) {
		/* nothing reached the server as a whole: the connection is unusable anyway */
		db->broken = true;
		return DB_UNAVAILABLE;
	}
	/* One result (then NULL) per statement, then the Sync's. */
	long deadline = monotonic_ms() + db->deadline_ms;
	bool failed = false;
	for (size_t i = 0; i < n; i++) {
		PGresult *r = next_result(db, deadline, &failed);
		if (!r) {
			st = classify(db, NULL, "pipeline");
			if (st != DB_UNAVAILABLE)
				st = DB_UNAVAILABLE;
			db->broken = true;
			goto out;
		}
		ExecStatusType s = PQresultStatus(r);
		if (s == PGRES_PIPELINE_ABORTED) {
			PQclear(r);
		} else if (!result_ok(r)) {
			if (st == DB_OK)
				st = classify(db, r, embedded_queries[steps[i].q].name);
			PQclear(r);
		} else if (steps[i].res && st == DB_OK) {
			*steps[i].res = r;
		} else {
			PQclear(r);
		}
		while ((r = next_result(db, deadline, &failed)) != NULL)
			PQclear(r);
		if (failed) {
			st = DB_UNAVAILABLE; /* the commit's outcome is unknown */
			goto out;
		}
	}
	PGresult *sync = next_result(db, deadline, &failed);
	if (!sync || PQresultStatus(sync) != PGRES_PIPELINE_SYNC) {
		/* the commit's outcome is unknown */
		db->broken = true;
		st = DB_UNAVAILABLE;
	}
	PQclear(sync);
out:
	if (db->broken || PQexitPipelineMode(db->conn) != 1)
		db->broken = true;
	if (st != DB_OK)
		for (size_t i = 0; i < n; i++)
			if (steps[i].res && *steps[i].res) {
				PQclear(*steps[i].res);
				*steps[i].res = NULL;
			}
	return st;
}

static enum db_status acquire_fresh(struct pool *pool, const char *tenant, struct db **out,
                                    bool begin);

enum db_status db_pipeline_run(struct pool *pool, const char *tenant, struct db_step *steps,
                               size_t n)
{
	struct db *db = NULL;
	enum db_status st;
	if ((db = unit_join(pool, tenant, &st)) != NULL)
		return st == DB_OK ? unit_note(db_pipeline(db, steps, n)) : st;
	if (st != DB_OK)
		return st;
	st = acquire_fresh(pool, tenant, &db, false);
	if (st != DB_OK)
		return st;
	st = db_pipeline(db, steps, n);
	pool_release(pool, db);
	return st;
}

enum db_status db_command(struct db *db, const char *sql)

{
	PGresult *r = NULL;
	enum db_status st = finish(db, PQsendQuery(db->conn, sql) == 1, sql, &r);
	PQclear(r);
	return st;
}

enum db_status db_use_tenant(struct db *db, const char *tenant)
{
	const char *t = tenant ? tenant : "";
	if (strcmp(db->tenant, t) == 0)
		return DB_OK;
	/* session-wide (not local): set outside any transaction, it stays for the next work
	 * of the same tenant on this connection */
	PGresult *r = NULL;
	enum db_status st =
	    finish(db,
	           PQsendQueryParams(db->conn, "SELECT set_config('loyaltyd.tenant', $1, false)", 1,
	                             NULL, &t, NULL, NULL, 0) == 1,
	           "set loyaltyd.tenant", &r);
	PQclear(r);
	if (st == DB_OK && strlen(t) < sizeof(db->tenant))
		memcpy(db->tenant, t, strlen(t) + 1);
	else
		memcpy(db->tenant, "\x01", 2);
	return st;
}

/* Acquires a connection, names the tenant of the work to come, and runs BEGIN (when
 * begin is true), replacing a connection that turns out broken once: nothing was sent
 * that could have had an effect. */
static enum db_status acquire_fresh(struct pool *pool, const char *tenant, struct db **out,
                                    bool begin)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		struct db *db = NULL;
		enum db_status st = pool_acquire(pool, &db);
		if (st != DB_OK)
			return st;
		st = db_use_tenant(db, tenant);
		if (st == DB_OK && !begin) {
			*out = db;
			return DB_OK;
		}
		if (st == DB_OK)
			st = db_command(db, "BEGIN");
		if (st == DB_OK) {
			*out = db;
			return DB_OK;
		}
		pool_release(pool, db);
		if (st != DB_UNAVAILABLE)
			return st;
	}
	return DB_UNAVAILABLE;
}

enum db_status db_transaction(struct pool *pool, const char *tenant, db_work_fn fn, void *arg)
{
	enum db_status st = DB_ERROR;
	struct db *held = unit_join(pool, tenant, &st);
	if (held)
		return st == DB_OK ? unit_note(fn(held, arg)) : st;
	for (int attempt = 0; attempt < 3; attempt++) {
		struct db *db = NULL;
		st = acquire_fresh(pool, tenant, &db, true);
		if (st != DB_OK)
			return st;
		st = fn(db, arg);
		if (st == DB_OK) {
			st = db_command(db, "COMMIT");
		} else if (PQstatus(db->conn) == CONNECTION_OK) {
			if (db_command(db, "ROLLBACK") != DB_OK)
				db->broken = true;
		}
		pool_release(pool, db);
		if (st != DB_RETRY)
			return st;
	}
	return st;
}

enum db_status db_read(struct pool *pool, const char *tenant, db_work_fn fn, void *arg)
{
	enum db_status st = DB_ERROR;
	struct db *held = unit_join(pool, tenant, &st);
	if (held)
		return st == DB_OK ? unit_note(fn(held, arg)) : st;
	for (int attempt = 0; attempt < 2; attempt++) {
		struct db *db = NULL;
		st = acquire_fresh(pool, tenant, &db, false);
		if (st != DB_OK)
			return st;
		st = fn(db, arg);
		bool hung = db->timed_out; /* a second try would only wait as long again */
		pool_release(pool, db);
		if (st != DB_UNAVAILABLE || hung)
			return st;
	}
	return st;
}

enum db_status db_unit_begin(struct pool *pool, const char *tenant)
{
	const char *t = tenant ? tenant : "";
	if (unit.pool || strlen(t) >= sizeof(unit.tenant)) {
		log_msg(LOG_ERROR, "a unit of work was begun inside another", t);
		return DB_ERROR;
	}
	struct db *db = NULL;
	enum db_status st = acquire_fresh(pool, tenant, &db, true);
	if (st != DB_OK)
		return st;
	unit.pool = pool;
	unit.db = db;
	unit.doomed = false;
	memcpy(unit.tenant, t, strlen(t) + 1);
	return DB_OK;
}

enum db_status db_unit_end(bool commit)
{
	struct db *db = unit.db;
	struct pool *pool = unit.pool;
	enum db_status st = DB_ROLLBACK;
	if (!pool)
		return DB_ERROR;
	if (commit && !unit.doomed && PQtransactionStatus(db->conn) != PQTRANS_INTRANS) {
		/* a transaction PostgreSQL has aborted would answer COMMIT with ROLLBACK */
		log_msg(LOG_ERROR, "a unit of work's transaction failed unnoticed", "rolled back");
		unit.doomed = true;
	}
	if (commit && !unit.doomed) {
		/* DB_UNAVAILABLE when the connection broke: the outcome is unknown */
		st = db_command(db, "COMMIT");
	} else if (PQstatus(db->conn) == CONNECTION_OK && !db->broken) {
		if (db_command(db, "ROLLBACK") != DB_OK)
			db->broken = true;
	}
	unit = (struct unit){0};
	pool_release(pool, db);
	return st;
}

bool db_unit_held(const struct pool *pool)
{
	return pool && unit.pool == pool;
}

bool db_unit_doomed(void)
{
	return unit.pool && unit.doomed;
}

enum db_status db_stream_begin(struct db *db, enum sql_query q, int nparams,
                               const char *const *values)
{
	enum db_status st = ensure_prepared(db, q);
	if (st != DB_OK)
		return st;
	if (!PQsendQueryPrepared(db->conn, embedded_queries[q].name, nparams, values, NULL, NULL,
	                         0) ||
	    !PQsetSingleRowMode(db->conn)) {
		db->broken = true;
		return DB_UNAVAILABLE;
	}
	return DB_OK;
}

/* Reads the results left of the statement in flight; false when the connection broke. */
static bool drain(struct db *db)
{
	PGresult *r;
	bool failed = false;
	long deadline = monotonic_ms() + db->deadline_ms;
	while ((r = next_result(db, deadline, &failed)) != NULL)
		PQclear(r);
	return !failed && PQstatus(db->conn) == CONNECTION_OK;
}

int db_stream_next(struct db *db, PGresult **row, enum db_status *st)
{
	bool failed = false;
	PGresult *r = next_result(db, monotonic_ms() + db->deadline_ms, &failed);
	*row = NULL;
	*st = DB_OK;
	if (r && PQresultStatus(r) == PGRES_SINGLE_TUPLE) {
		*row = r;
		return 1;
	}
	if (r && PQresultStatus(r) == PGRES_TUPLES_OK) { /* the end: no row, then NULL */
		PQclear(r);
		if (!drain(db))
			db->broken = true;
		return 0;
	}
	*st = r ? classify(db, r, "stream") : DB_UNAVAILABLE;
	PQclear(r);
	if (!r || !drain(db))
		db->broken = true;
	return -1;
}

void db_stream_abandon(struct db *db)
{
	char err[256];
	PGcancel *c = PQgetCancel(db->conn);
	if (!c || !PQcancel(c, err, sizeof(err)))
		db->broken = true;
	PQfreeCancel(c);
	if (!drain(db))
		db->broken = true;
}
