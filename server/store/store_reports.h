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

/* The reports below run on a read-only snapshot and answer DB_INVALID when PostgreSQL
 * refused a parameter (an unknown time zone). Their text fields (NULL for an SQL null)
 * and rows live in the report's memory; on DB_OK the caller frees it with
 * reports_release(). Decimal amounts stay exact text; JSON fields are documents the SQL
 * rendered, to embed as they are. */

/* What a report's text and rows are held in. */
struct report_memory {
	void *result; /* the rows PostgreSQL sent */
	void *rows[2];
};

/* Frees m (also one never filled, or zeroed) and zeroes it. */
void reports_release(struct report_memory *m);

/* Customer lifetime value (sql/reports/clv.sql), as of now. */
struct clv_query {
	const char *tenant_id;
	const char *by; /* NULL, "rfm_segment", "tier" or "nps_category" */
};

/* The figures of a group of customers with at least one order. */
struct clv_figures {
	const char *group; /* the group's name; NULL for every customer */
	long long customers, orders;
	/* historical CLV (net order amount per customer), decimal text, NULL without customers */
	const char *mean, *median, *p90, *max;
	const char *average_order_value;                 /* gross amount / orders, to the cent */
	const char *average_order_value_exact;           /* unrounded, for the prediction */
	long long orders_last_year, customers_last_year; /* orders of the last 365 days */
	long long repeat_customers;                      /* with two orders or more */
	bool has_median_gap;
	double median_days_between_orders;
	long long churn_start, churn_lost; /* active 365 days ago; of them, no order since */
};

struct clv_report {
	struct clv_figures all;     /* every customer; zeros and NULLs when nobody ordered */
	struct clv_figures *groups; /* with q->by: the groups in report order */
	size_t ngroups;
	const char *as_of; /* NULL when nobody ordered */
	struct report_memory memory;
};

__attribute__((warn_unused_result)) enum db_status
reports_clv(struct pool *pool, const struct clv_query *q, struct clv_report *out);

/* Customers by the interval of their first order (sql/reports/cohorts.sql). */
struct cohorts_query {
	const char *tenant_id;
	const char *from, *to; /* RFC 3339 or YYYY-MM-DD (local midnight); NULL: to = now, from
	                          = the start of the interval eleven before to's */
	const char *tz;        /* IANA name */
	const char *interval;  /* "month" or "week" */
};

struct cohort {
	const char *start; /* RFC 3339 in tz */
	long long customers;
	const char *periods; /* JSON array of the later intervals; NULL with over 400 cohorts */
};

struct cohorts_report {
	struct cohort *cohorts; /* none when from is not before to */
	size_t n;
	const char *from, *to; /* the range in tz; NULL without cohorts */
	struct report_memory memory;
};

__attribute__((warn_unused_result)) enum db_status
reports_cohorts(struct pool *pool, const struct cohorts_query *q, struct cohorts_report *out);

/* The programme's points liability (sql/reports/points.sql). */
struct points_report_query {
	const char *tenant_id;
	const char *from, *to; /* as for cohorts; from defaults to eleven months before to's */
	const char *tz;
};

struct points_report {
	long long outstanding, customers_with_points;
	long long expiring[3]; /* within 30, 60 and 90 days */
	long long earned, redeemed, expired, taken_back, shortfall, adjusted; /* lifetime */
	const char *tiers;  /* JSON array of {name, customers} */
	const char *series; /* JSON array, one object per local month of the range */
	const char *from, *to;
	long long months;
	bool ordered; /* from is before to */
	const char *as_of;
	const char *program; /* JSON of the programme in force; NULL without one */
	struct report_memory memory;
};

__attribute__((warn_unused_result)) enum db_status
reports_points(struct pool *pool, const struct points_report_query *q, struct points_report *out);

/* Retention and churn (sql/reports/retention.sql). */
struct retention_query {
	const char *tenant_id;
	const char *from, *to; /* as for cohorts; from defaults to window_days before to */
	const char *tz;
	long window_days;     /* a customer is active with an order in the window before */
	const char *interval; /* "month" or NULL */
	const char *by;       /* "nps_category" or NULL */
};

struct retention_period {
	const char *from, *to; /* RFC 3339 in tz */
	const char *group;     /* the NPS category of a group row; NULL otherwise */
	long long start, end, new_customers, reactivated, retained, lost;
};

struct retention_report {
	bool ordered;                    /* from is before to; nothing else is filled otherwise */
	long long months;                /* the periods of the monthly series */
	struct retention_period whole;   /* the whole range */
	struct retention_period *series; /* with q->interval */
	size_t nseries;
	struct retention_period *groups; /* with q->by: the whole range per category */
	size_t ngroups;
	struct report_memory memory;
};

__attribute__((warn_unused_result)) enum db_status
reports_retention(struct pool *pool, const struct retention_query *q, struct retention_report *out);

/* A report at an instant: RFM (sql/reports/rfm.sql) and segment sizes (segments.sql). */
struct as_of_query {
	const char *tenant_id;
	const char *as_of; /* RFC 3339 or YYYY-MM-DD (local midnight); NULL: now */
	const char *tz;
};

struct rfm_report {
	const char *as_of;       /* RFC 3339 UTC */
	const char *as_of_local; /* the same instant in tz */
	long long customers;
	const char *segments; /* JSON array, one object per segment */
	const char *grid;     /* JSON 5 × 5 array of counts, grid[R-1][F-1] */
	struct report_memory memory;
};

__attribute__((warn_unused_result)) enum db_status
reports_rfm(struct pool *pool, const struct as_of_query *q, struct rfm_report *out);

struct segments_report {
	const char *as_of, *as_of_local;
	const char *segments; /* JSON array of {name, customers} */
	struct report_memory memory;
};

__attribute__((warn_unused_result)) enum db_status
reports_segments(struct pool *pool, const struct as_of_query *q, struct segments_report *out);

#endif
