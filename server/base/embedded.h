/* embedded.h - files compiled into the binary at build time (cmake/embed.cmake).
 *
 * sql/migrations/NNNN_name.sql, sql/functions/NN_name.sql, sql/queries/name.sql,
 * sql/reports/name.sql, openapi.yaml and the web assets become static arrays. Every array
 * is NUL-terminated, so data can be used as a C string; len excludes the terminator.
 * Nothing here is allocated or freed. */
#ifndef LOYALTYD_EMBEDDED_H
#define LOYALTYD_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name; /* file name without directory and extension */
	const char *data; /* NUL-terminated contents */
	size_t len;       /* length without the terminator */
};

/* Migrations sorted by file name, so by their NNNN version. */
extern const struct embedded_file embedded_migrations[];
extern const size_t embedded_migrations_count;

/* SQL functions sorted by file name, so by their NN: the order migrate applies them in. */
extern const struct embedded_file embedded_functions[];
extern const size_t embedded_functions_count;

/* Queries, indexed by enum sql_query (embedded_ids.h): SQL_<NAME>. */
extern const struct embedded_file embedded_queries[];
extern const size_t embedded_queries_count;

/* Reports, indexed by enum sql_report (embedded_ids.h): REPORT_<NAME>. */
extern const struct embedded_file embedded_reports[];
extern const size_t embedded_reports_count;

extern const struct embedded_file embedded_openapi;

/* A web asset: web/src/<name>, or a file of the uPlot package from npm. */
struct embedded_asset {
	const char *name;    /* file name with its extension: "dashboard.js" */
	const char *data;    /* NUL-terminated contents */
	size_t len;          /* length without the terminator */
	const char *etag;    /* quoted, from the contents' SHA-256: "\"3fa4…\"" */
	const char *gz;      /* the same contents gzipped (RFC 1952) */
	size_t gz_len;       /* its length */
	const char *gz_etag; /* etag of the gzipped representation: "\"3fa4…-gz\"" */
};

/* The web assets, sorted by file name within web/src/, then uPlot.iife.min.js and
 * uPlot.min.css. */
extern const struct embedded_asset embedded_web[];
extern const size_t embedded_web_count;

#endif
