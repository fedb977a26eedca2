/* embedded.h - files compiled into the binary at build time (cmake/embed.cmake).
 *
 * sql/migrations/NNNN_name.sql, sql/queries/name.sql, sql/reports/name.sql and openapi.yaml
 * become static arrays. Every array is NUL-terminated, so data can be used as a C string;
 * len excludes the terminator. Nothing here is allocated or freed. */
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

/* Queries, indexed by enum sql_query (embedded_ids.h): SQL_<NAME>. */
extern const struct embedded_file embedded_queries[];
extern const size_t embedded_queries_count;

/* Reports, indexed by enum sql_report (embedded_ids.h): REPORT_<NAME>. */
extern const struct embedded_file embedded_reports[];
extern const size_t embedded_reports_count;

extern const struct embedded_file embedded_openapi;

#endif
