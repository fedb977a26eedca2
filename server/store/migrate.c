/* migrate.c - schema migrations, then the SQL functions (sql/functions/). */
#include "store/migrate.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/embedded.h"
#include "base/log.h"
#include "store/db.h"

/* Any constant shared by every loyaltyd; "loya" in ASCII. */
#define MIGRATE_LOCK_KEY "1819244897"

static int version_of(const struct embedded_file *f)
{
	char *end = NULL;
	long v = strtol(f->name, &end, 10);
	return (end && *end == '_' && v > 0 && v < 100000) ? (int)v : -1;
}

int migrate_latest_version(void)
{
	int latest = 0;
	for (size_t i = 0; i < embedded_migrations_count; i++) {
		int v = version_of(&embedded_migrations[i]);
		if (v > latest)
			latest = v;
	}
	return latest;
}

static PGconn *connect_to(const char *url, char *err, size_t errlen)
{
	PGconn *conn = PQconnectdb(url);
	if (!conn || PQstatus(conn) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect to the database: %s",
		         conn ? PQerrorMessage(conn) : "out of memory");
		PQfinish(conn);
		return NULL;
	}
	PQsetNoticeReceiver(conn, db_log_notice, NULL);
	return conn;
}

/* A file of only comments (a migration whose functions moved to sql/functions/) is an empty
 * query: done, nothing to do. */
static int exec_ok(PGconn *conn, const char *sql, char *err, size_t errlen)
{
	PGresult *r = PQexec(conn, sql);
	ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	int ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY;
	if (!ok)
		snprintf(err, errlen, "%s", PQerrorMessage(conn));
	PQclear(r);
	return ok ? 0 : -1;
}

/* Reads the current version: 0 when schema_migrations does not exist yet. */
static int current_version(PGconn *conn, char *err, size_t errlen)
{
	PGresult *r = PQexec(conn, "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL "
	                           "THEN -1 ELSE 0 END");
	int v = -2;
	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK)
		goto fail;
	if (strcmp(PQgetvalue(r, 0, 0), "-1") == 0) {
		PQclear(r);
		return 0;
	}
	PQclear(r);
	r = PQexec(conn, "SELECT coalesce(max(version), 0) FROM schema_migrations");
	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK)
		goto fail;
	v = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
fail:
	snprintf(err, errlen, "cannot read schema version: %s", PQerrorMessage(conn));
	PQclear(r);
	return -2;
}

/* Applies one migration and records it, inside the caller's transaction. */
static int apply_one(PGconn *conn, const struct embedded_file *f, int version, char *err,
                     size_t errlen)
{
	char v[16];
	if (exec_ok(conn, f->data, err, errlen) != 0)
		return -1;
	snprintf(v, sizeof(v), "%d", version);
	const char *params[] = {v, f->name};
	PGresult *r =
	    PQexecParams(conn, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", 2,
	                 NULL, params, NULL, NULL, 0);
	int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		snprintf(err, errlen, "%s", PQerrorMessage(conn));
	PQclear(r);
	return ok ? 0 : -1;
}

/* The missing migrations in order, then every function file in order (each a CREATE OR
 * REPLACE), in one transaction: a migration that names a function (a trigger, a policy)
 * creates a placeholder, which the function files replace before anything commits. */
static int apply_all(PGconn *conn, int current, char *err, size_t errlen)
{
	char step_err[512];
	for (size_t i = 0; i < embedded_migrations_count; i++) {
		const struct embedded_file *f = &embedded_migrations[i];
		int v = version_of(f);
		if (v <= current)
			continue;
		if (apply_one(conn, f, v, step_err, sizeof(step_err)) != 0) {
			snprintf(err, errlen, "migration %s failed: %s", f->name, step_err);
			return -1;
		}
	}
	for (size_t i = 0; i < embedded_functions_count; i++) {
		const struct embedded_file *f = &embedded_functions[i];
		if (exec_ok(conn, f->data, step_err, sizeof(step_err)) != 0) {
			snprintf(err, errlen, "function file %s failed: %s", f->name, step_err);
			return -1;
		}
	}
	return exec_ok(conn, "COMMIT", err, errlen);
}

int migrate_run(const char *url, char *err, size_t errlen)
{
	int applied = 0, latest = migrate_latest_version();
	PGconn *conn = connect_to(url, err, errlen);
	if (!conn)
		return -1;
	if (exec_ok(conn, "SET client_min_messages = warning", err, errlen) != 0 ||
	    exec_ok(conn, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", err, errlen) != 0)
		goto fail;
	if (exec_ok(conn,
	            "CREATE TABLE IF NOT EXISTS schema_migrations ("
	            " version integer PRIMARY KEY,"
	            " name text NOT NULL,"
	            " applied_at timestamptz NOT NULL DEFAULT now());"
	            "COMMENT ON TABLE schema_migrations IS "
	            "'Migrations applied by loyaltyd migrate, one row each.'",
	            err, errlen) != 0)
		goto fail;
	int current = current_version(conn, err, errlen);
	if (current < 0)
		goto fail;
	if (current > latest) {
		snprintf(err, errlen,
		         "the database schema is at version %d, newer than this loyaltyd (%d): "
		         "upgrade loyaltyd",
		         current, latest);
		goto fail;
	}
	for (size_t i = 0; i < embedded_migrations_count; i++) {
		if (version_of(&embedded_migrations[i]) < 0) {
			snprintf(err, errlen, "migration %s: name must be NNNN_name.sql",
			         embedded_migrations[i].name);
			goto fail;
		}
	}
	if (exec_ok(conn, "BEGIN", err, errlen) != 0)
		goto fail;
	if (apply_all(conn, current, err, errlen) != 0) {
		char ignored[8];
		(void)exec_ok(conn, "ROLLBACK", ignored, sizeof(ignored));
		goto fail;
	}
	for (size_t i = 0; i < embedded_migrations_count; i++) {
		const struct embedded_file *f = &embedded_migrations[i];
		int v = version_of(f);
		if (v <= current)
			continue;
		json_t *fields = json_pack("{s:s, s:i}", "migration", f->name, "version", v);
		log_event(LOG_INFO, "migration applied", fields);
		applied++;
	}
	(void)exec_ok(conn, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")", err, errlen);
	PQfinish(conn);
	return applied;
fail:
	PQfinish(conn);
	return -1;
}

int migrate_check(const char *url, char *err, size_t errlen)
{
	int latest = migrate_latest_version();
	PGconn *conn = connect_to(url, err, errlen);
	if (!conn)
		return -2;
	int current = current_version(conn, err, errlen);
	PQfinish(conn);
	if (current < 0)
		return -1;
	if (current < latest) {
		snprintf(err, errlen,
		         "the database schema is at version %d but this loyaltyd needs %d: "
		         "run 'loyaltyd migrate' first",
		         current, latest);
		return -1;
	}
	if (current > latest) {
		snprintf(err, errlen,
		         "the database schema is at version %d, newer than this loyaltyd (%d): "
		         "upgrade loyaltyd",
		         current, latest);
		return -1;
	}
	return 0;
}
