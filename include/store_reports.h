/* store_reports.h - the aggregates behind the reports, computed in PostgreSQL
 * (the files of sql/reports). Only counts come back; the figures are derived in C (nps.h). */
#ifndef LOYALTYD_STORE_REPORTS_H
#define LOYALTYD_STORE_REPORTS_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"

struct survey_counts_query {
	const char *tenant_id;
	const char *survey_id; /* NULL: every survey of the kind */
	const char *channel;   /* NULL: every channel */
	const char *from, *to; /* RFC 3339 or YYYY-MM-DD (local midnight); NULL: to = now,
	                          from = to - 30 days */
	const char *tz;        /* IANA name */
	const char *interval;  /* "day", "week", "month" or NULL */
	bool dedupe_latest;
	const char *kind; /* "nps" or "csat" */
};

/* One period: the current range, the one before it, or a bucket of the series. */
struct period_counts {
	char kind[12];           /* "current", "previous", "bucket" */
	char start[40], end[40]; /* RFC 3339 in the report's time zone */
	long responses, promoters, passives, detractors, satisfied;
	char data_through[32]; /* newest answer counted, "" when none */
};

/* Runs the survey counts report. *periods (malloc'd, the caller frees) holds current,
 * previous, then the buckets in time order; *n their number. DB_INVALID when PostgreSQL
 * refused a parameter (an unknown time zone). */
__attribute__((warn_unused_result)) enum db_status
reports_survey_counts(struct pool *pool, const struct survey_counts_query *q,
                      struct period_counts **periods, size_t *n);

/* The rows of a report (figures and JSON documents as text): cells[row * cols + col],
 * NULL for an SQL null; malloc'd with the table. */
struct report_table {
	int rows, cols;
	char **cells;
};

/* Runs report r with the text parameters (NULL for SQL null) on a read-only snapshot.
 * DB_INVALID when PostgreSQL refused a parameter (an unknown time zone). On DB_OK the
 * caller frees with reports_table_free(). */
__attribute__((warn_unused_result)) enum db_status reports_table(struct pool *pool,
                                                                 enum sql_report r, int nparams,
                                                                 const char *const *params,
                                                                 struct report_table *t);

/* Cell (row, col): its text, or NULL for an SQL null. */
const char *reports_cell(const struct report_table *t, int row, int col);

void reports_table_free(struct report_table *t);

/* The programme in force (*program: JSON text, malloc'd, or NULL without one), for the
 * reports that place customers in tiers. */
__attribute__((warn_unused_result)) enum db_status
reports_program(struct pool *pool, const char *tenant_id, char **program);

/* The points programme's liability
 (sql/reports/points.sql). Counts in points. */
struct points_report {
	long long outstanding, customers_with_points;
	long long expiring[3]; /* within 30, 60, 90 days (cumulative) */
	long long earned, redeemed, expired, taken_back, shortfall, adjusted; /* lifetime */
	char *tiers;   /* JSON array [{"name", "customers"}], malloc'd */
	char *series;  /* JSON array, one object per local month, malloc'd */
	char *program; /* the programme in force (JSON), malloc'd; NULL without one */
	char from[40], to[40], as_of[32];
	long months;
	bool ordered; /* from < to */
};

/* Runs the points report over [from, to) (NULL: the defaults of points.sql) in tz.
 * DB_INVALID when PostgreSQL refused a parameter (an unknown time zone). On DB_OK the
 * caller frees with reports_points_free(). */
__attribute__((warn_unused_result)) enum db_status
reports_points(struct pool *pool, const char *tenant_id, const char *from, const char *to,
               const char *tz, struct points_report *r);

void reports_points_free(struct points_report *r);

#endif
