/* db.h - the PostgreSQL connection pool and the only way code talks SQL.
 *
 * A pool holds LOYALTYD_DB_POOL connections, opened lazily and re-opened when broken, so
 * a restart of PostgreSQL never needs a restart of loyaltyd. A connection (struct db) is
 * used by one thread at a time: between pool_acquire() and pool_release().
 *
 * Statements are the files of sql/queries/, compiled in (embedded.h) and prepared once
 * per connection on first use. Parameters only: SQL is never built from input. */
#ifndef LOYALTYD_DB_H
#define LOYALTYD_DB_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "base/config.h"
#include "embedded_ids.h"

enum db_status {
	DB_OK = 0,
	DB_UNAVAILABLE, /* cannot connect, connection lost, or the server shuts down */
	DB_BUSY,        /* no free connection within LOYALTYD_DB_CHECKOUT_MS */
	DB_CONFLICT,    /* unique violation (23505) */
	DB_RETRY,       /* serialization failure or deadlock (40001, 40P01) */
	DB_TIMEOUT,     /* statement or lock timeout (57014, 55P03) */
	DB_INVALID,     /* a data exception (class 22), e.g. an unknown time zone */
	DB_ROLLBACK,    /* the work chose not to commit (a refused request): not an error */
	DB_ERROR        /* anything else: a bug or a schema mismatch; logged */
};

struct pool;
struct db;

/* Creates a pool for cfg (database_url, db_pool, timeouts); connects nobody yet.
 * Returns 0 or -1. The caller frees with pool_free(). */
__attribute__((warn_unused_result)) int pool_init(struct pool **out, const struct config *cfg);

/* Closes every connection and frees the pool; connections must all be released. */
void pool_free(struct pool *pool);

/* Takes a connection, waiting up to the checkout timeout (DB_BUSY after it), connecting
 * or re-connecting it when needed (DB_UNAVAILABLE when that fails). For a second after the
 * server was found hung (a round trip past LOYALTYD_DB_DEADLINE_MS, or a connection
 * attempt past LOYALTYD_DB_CONNECT_TIMEOUT_S) it answers DB_UNAVAILABLE at once, so that
 * requests fail fast instead of each holding a thread on the hung server. On DB_OK *out
 * must be given back with pool_release(). */
__attribute__((warn_unused_result)) enum db_status pool_acquire(struct pool *pool, struct db **out);

/* Gives a connection back; a broken one is closed and re-opened on its next use. */
void pool_release(struct pool *pool, struct db *db);

struct pool_stats {
	int size;               /* configured connections */
	int open;               /* connections currently open */
	int in_use;             /* checked out */
	int waiting;            /* threads waiting for a connection */
	unsigned long timeouts; /* checkouts that gave up (503) */
	unsigned long reconnects;
};

/* Returns a consistent snapshot of the pool's gauges. */
void pool_get_stats(struct pool *pool, struct pool_stats *out);

/* Runs the prepared query q with text parameters (NULL = SQL NULL). On DB_OK, *res (when
 * res is not NULL) is a result the caller must PQclear(); on any other status *res is
 * NULL and the error was logged. */
__attribute__((warn_unused_result)) enum db_status
db_query(struct db *db, enum sql_query q, int nparams, const char *const *values, PGresult **res);

/* Runs the report r (sql/reports/, prepared once per connection) like db_query(). */
__attribute__((warn_unused_result)) enum db_status
db_report(struct db *db, enum sql_report r, int nparams, const char *const *values, PGresult **res);

/* Runs q and copies the first column of its first row into *value (malloc'd; the caller
 * frees), or sets *value to NULL when there is no row or the value is SQL NULL. */
__attribute__((warn_unused_result)) enum db_status
db_value(struct db *db, enum sql_query q, int nparams, const char *const *values, char **value);

/* Runs one fixed command without parameters (BEGIN, COMMIT, ROLLBACK, a migration). */
__attribute__((warn_unused_result)) enum db_status db_command(struct db *db, const char *sql);

/* The libpq connection of db, for code (migrations) that needs more than the above. */
PGconn *db_conn(struct db *db);

/* Marks db broken, so pool_release() closes it. */
void db_mark_broken(struct db *db);

/* A unit of work on one connection. Returns DB_OK to commit; anything else rolls back. */
typedef enum db_status (*db_work_fn)(struct db *db, void *arg);

/* Row-level security (0018_row_level_security.sql): loyaltyd's role sees only the rows of
 * the tenant named for the work at hand. The functions that take a connection from the
 * pool take that tenant's id too, or NULL for none (then no tenant's row is visible, only
 * what SECURITY DEFINER functions give). */

/* Names the tenant for the next work on db (outside a transaction); sent only when it
 * differs from the connection's last. For code that holds a connection itself. */
__attribute__((warn_unused_result)) enum db_status db_use_tenant(struct db *db, const char *tenant);

/* Runs fn inside BEGIN … COMMIT on a pooled connection, for tenant. A connection found
 * broken at BEGIN is replaced and BEGIN retried; DB_RETRY from the work is retried up to
 * 3 times. A COMMIT whose outcome is unknown (connection lost) answers DB_UNAVAILABLE and
 * is never retried. Returns DB_OK only after COMMIT succeeded. */
__attribute__((warn_unused_result)) enum db_status
db_transaction(struct pool *pool, const char *tenant, db_work_fn fn, void *arg);

/* Runs fn on a pooled connection without a transaction, for reads, for tenant: a
 * connection found broken is replaced and fn run once more. */
__attribute__((warn_unused_result)) enum db_status db_read(struct pool *pool, const char *tenant,
                                                           db_work_fn fn, void *arg);

/* One statement of a pipeline. */
struct db_step {
	enum sql_query q;
	int nparams;
	const char *const *values;
	PGresult **res; /* receives the result on DB_OK (caller PQclears); may be NULL */
};

/* Runs steps[0..n) as one implicit transaction in a single round trip (libpq pipeline
 * mode: every statement, then one Sync). The statements commit together when the Sync is
 * answered, or roll back together on the first error. Returns DB_OK only after the
 * commit; DB_UNAVAILABLE when the connection broke, in which case the outcome is unknown
 * and the caller must not retry blindly. Must not be called inside BEGIN … COMMIT. */
__attribute__((warn_unused_result)) enum db_status db_pipeline(struct db *db, struct db_step *steps,
                                                               size_t n);

/* Acquires a connection, names tenant, runs db_pipeline() on it and releases it. */
__attribute__((warn_unused_result)) enum db_status
db_pipeline_run(struct pool *pool, const char *tenant, struct db_step *steps, size_t n);

/* Streams the rows of q (libpq single-row mode): the server sends them as the caller
 * reads, so a large result never sits whole in memory. One statement, its own implicit
 * transaction; the connection must stay with the stream until db_stream_next answers 0
 * or -1, or db_stream_abandon is called. */
__attribute__((warn_unused_result)) enum db_status
db_stream_begin(struct db *db, enum sql_query q, int nparams, const char *const *values);

/* The next row: 1 with *row (a one-row result, caller PQclears); 0 after the last row;
 * -1 on an error (the stream is over; *st says which). */
int db_stream_next(struct db *db, PGresult **row, enum db_status *st);

/* Gives a stream up before its end: cancels the statement and reads what is left, so
 * that the connection can serve again (or marks it broken). */
void db_stream_abandon(struct db *db);

/* ---- a unit of work held by the calling thread ------------------------------------------
 *
 * For a request sent with an Idempotency-Key (idempotency.c), the key's claim, the
 * request's effect and its stored answer must commit together, so that a key is either
 * finished with its answer or not there at all, whatever fails where. db_unit_begin()
 * takes a connection for tenant and runs BEGIN; until db_unit_end(), every function
 * above that takes this pool (db_transaction, db_read, db_pipeline_run, and through them
 * every store) runs in the calling thread on that connection, inside that one
 * transaction: db_transaction and db_pipeline_run then commit nothing themselves. Work
 * that fails inside the unit (any status but DB_OK, DB_ROLLBACK included) dooms it: the
 * unit can then only roll back. Other threads are not affected. Work for another tenant
 * inside a unit is a bug, answered DB_ERROR. */

/* Starts the calling thread's unit (none may be held). Returns DB_OK with BEGIN done. */
__attribute__((warn_unused_result)) enum db_status db_unit_begin(struct pool *pool,
                                                                 const char *tenant);

/* Ends the calling thread's unit: COMMIT when commit is true and the unit is not doomed,
 * else ROLLBACK; gives the connection back either way. Returns DB_OK only after COMMIT
 * succeeded (DB_ROLLBACK after a rollback; DB_UNAVAILABLE when the COMMIT's outcome is
 * unknown). */
enum db_status db_unit_end(bool commit);

/* True while the calling thread holds a unit on pool. */
bool db_unit_held(const struct pool *pool);

/* True when the calling thread's unit can only roll back. */
bool db_unit_doomed(void);

/* A libpq notice receiver (PQsetNoticeReceiver): the server's NOTICEs and WARNINGs go
 * through the JSON log (severity, SQLSTATE, primary message) instead of raw lines on
 * stderr. Every pooled connection and the migrations' have it. */
void db_log_notice(void *arg, const PGresult *res);

/* Short name of a status for logs ("unavailable"). */

const char *db_status_name(enum db_status st);

#endif
