/* store_reports.h - the aggregates behind the reports, computed in PostgreSQL (the files
 * of sql/reports, which read what they need, the programme in force included). Counts and
 * sums come back; shares, intervals and predictions are derived in C (nps.h, percent.h,
 * clv.h). */
#ifndef LOYALTYD_STORE_REPORTS_H
#define LOYALTYD_STORE_REPORTS_H

#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"

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
__attribute__((warn_unused_result)) enum db_status
reports_table(struct pool *pool, const char *tenant_id, enum sql_report r, int nparams,
              const char *const *params, struct report_table *t);

/* Cell (row, col): its text, or NULL for an SQL null (or outside the table). */
const char *reports_cell(const struct report_table *t, int row, int col);

/* Cell (row, col) as a whole number; 0 for null. */
long long reports_cell_ll(const struct report_table *t, int row, int col);

void reports_table_free(struct report_table *t);

#endif
