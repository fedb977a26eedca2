/* store_reports.c - report aggregates. */
#include "store/store_reports.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct counts_args {
	const struct survey_counts_query *q;
	struct period_counts **periods;
	size_t *n;
};

static long column_long(const PGresult *res, int row, int col)
{
	return strtol(PQgetvalue(res, row, col), NULL, 10);
}

static enum db_status do_counts(struct db *db, void *arg)
{
	struct counts_args *a = arg;
	const struct survey_counts_query *q = a->q;
	PGresult *res = NULL;
	const char *params[] = {
	    q->tenant_id, q->survey_id, q->channel,  q->from,
	    q->to,        q->tz,        q->interval, q->dedupe_latest ? "true" : "false",
	    q->kind};
	enum db_status st = db_report(db, REPORT_SURVEY_COUNTS, 9, params, &res);
	if (st != DB_OK)
		return st;
	int rows = PQntuples(res);
	free(*a->periods);
	*a->periods = calloc(rows > 0 ? (size_t)rows : 1, sizeof(struct period_counts));
	if (!*a->periods) {
		PQclear(res);
		return DB_ERROR;
	}
	for (int i = 0; i < rows; i++) {
		struct period_counts *p = &(*a->periods)[i];
		snprintf(p->kind, sizeof(p->kind), "%s", PQgetvalue(res, i, 1));
		snprintf(p->start, sizeof(p->start), "%s", PQgetvalue(res, i, 2));
		snprintf(p->end, sizeof(p->end), "%s", PQgetvalue(res, i, 3));
		p->responses = column_long(res, i, 4);
		p->promoters = column_long(res, i, 5);
		p->passives = column_long(res, i, 6);
		p->detractors = column_long(res, i, 7);
		p->satisfied = column_long(res, i, 8);
		snprintf(p->data_through, sizeof(p->data_through), "%s",
		         PQgetisnull(res, i, 9) ? "" : PQgetvalue(res, i, 9));
	}
	*a->n = (size_t)rows;
	PQclear(res);
	return DB_OK;
}

enum db_status reports_survey_counts(struct pool *pool, const struct survey_counts_query *q,
                                     struct period_counts **periods, size_t *n)
{
	struct counts_args a = {q, periods, n};
	*periods = NULL;
	*n = 0;
	enum db_status st = db_read(pool, q->tenant_id, do_counts, &a);
	if (st != DB_OK) {
		free(*periods);
		*periods = NULL;
	}
	return st;
}

void reports_release(struct report_memory *m)
{
	PQclear(m->result);
	free(m->rows[0]);
	free(m->rows[1]);
	memset(m, 0, sizeof(*m));
}

struct run_args {
	enum sql_report r;
	int nparams;
	const char *const *params;
	PGresult *res;
};

static enum db_status do_run(struct db *db, void *arg)
{
	struct run_args *a = arg;
	PQclear(a->res); /* a connection found broken runs the work once more */
	return db_report(db, a->r, a->nparams, a->params, &a->res);
}

/* Runs report r for tenant_id on a read-only snapshot; on DB_OK *res is its rows, held
 * in m (zeroed first). */
static enum db_status run_report(struct pool *pool, const char *tenant_id, enum sql_report r,
                                 int nparams, const char *const *params, struct report_memory *m,
                                 const PGresult **res)
{
	struct run_args a = {r, nparams, params, NULL};
	memset(m, 0, sizeof(*m));
	enum db_status st = db_read(pool, tenant_id, do_run, &a);
	if (st != DB_OK) {
		PQclear(a.res);
		return st;
	}
	m->result = a.res;
	*res = a.res;
	return DB_OK;
}

/* Reads row of res, column by column as spec says, into the pointers that follow: 's'
 * text (const char **, NULL for an SQL null, valid while res is), 'I' a whole number
 * (long long *, 0 for null), 'b' a boolean (bool *), 'f' a number (bool *defined,
 * double *), '.' a column skipped. */
static void row_read(const PGresult *res, int row, const char *spec, ...)
{
	va_list ap;
	va_start(ap, spec);
	for (int col = 0; spec[col]; col++) {
		bool null = row >= PQntuples(res) || PQgetisnull(res, row, col);
		const char *v = null ? NULL : PQgetvalue(res, row, col);
		switch (spec[col]) {
		case 's':
			*va_arg(ap, const char **) = v;
			break;
		case 'I':
			*va_arg(ap, long long *) = v ? strtoll(v, NULL, 10) : 0;
			break;
		case 'b':
			*va_arg(ap, bool *) = v && v[0] == 't';
			break;
		case 'f':
			*va_arg(ap, bool *) = v != NULL;
			*va_arg(ap, double *) = v ? strtod(v, NULL) : 0;
			break;
		default:
			break;
		}
	}
	va_end(ap);
}

/* Room for n rows of size in m's slot k (at least one, so that NULL means out of memory). */
static void *rows_alloc(struct report_memory *m, int k, int n, size_t size)
{
	return m->rows[k] = calloc(n > 0 ? (size_t)n : 1, size);
}

/* clv.sql: 0 group, 1 customers, 2–5 CLV mean, median, p90, max, 6 average order value,
 * 7 orders, 8 orders last year, 9 their customers, 10 repeat customers, 11 median days
 * between orders, 12 churn start, 13 churn lost, 14 as_of, 15 exact average order
 * value. */
static void clv_figures_read(const PGresult *res, int i, struct clv_figures *f)
{
	row_read(res, i, "sIsssssIIIIfII.s", &f->group, &f->customers, &f->mean, &f->median,
	         &f->p90, &f->max, &f->average_order_value, &f->orders, &f->orders_last_year,
	         &f->customers_last_year, &f->repeat_customers, &f->has_median_gap,
	         &f->median_days_between_orders, &f->churn_start, &f->churn_lost,
	         &f->average_order_value_exact);
}

enum db_status reports_clv(struct pool *pool, const struct clv_query *q, struct clv_report *out)
{
	const char *params[] = {q->tenant_id, q->by};
	const PGresult *res = NULL;
	memset(out, 0, sizeof(*out));
	enum db_status st =
	    run_report(pool, q->tenant_id, REPORT_CLV, 2, params, &out->memory, &res);
	if (st != DB_OK)
		return st;
	int rows = PQntuples(res), i = 0;
	/* the first row is every customer (group null); none when nobody ordered */
	if (rows > 0 && PQgetisnull(res, 0, 0))
		clv_figures_read(res, i++, &out->all);
	row_read(res, 0, "..............s", &out->as_of);
	if (!(out->groups = rows_alloc(&out->memory, 0, rows - i, sizeof(*out->groups)))) {
		reports_release(&out->memory);
		return DB_ERROR;
	}
	for (; i < rows; i++)
		clv_figures_read(res, i, &out->groups[out->ngroups++]);
	return DB_OK;
}

/* cohorts.sql: 0 n, 1 start, 2 customers, 3 periods, 4 from, 5 to. */
enum db_status reports_cohorts(struct pool *pool, const struct cohorts_query *q,
                               struct cohorts_report *out)
{
	const char *params[] = {q->tenant_id, q->from, q->to, q->tz, q->interval};
	const PGresult *res = NULL;
	memset(out, 0, sizeof(*out));
	enum db_status st =
	    run_report(pool, q->tenant_id, REPORT_COHORTS, 5, params, &out->memory, &res);
	if (st != DB_OK)
		return st;
	int rows = PQntuples(res);
	if (!(out->cohorts = rows_alloc(&out->memory, 0, rows, sizeof(*out->cohorts)))) {
		reports_release(&out->memory);
		return DB_ERROR;
	}
	for (int i = 0; i < rows; i++) {
		struct cohort *c = &out->cohorts[out->n++];
		row_read(res, i, ".sIs", &c->start, &c->customers, &c->periods);
	}
	row_read(res, 0, "....ss", &out->from, &out->to);
	return DB_OK;
}

/* points.sql, one row: 0 outstanding, 1 customers with points, 2–4 expiring within
 * 30/60/90 days, 5–10 lifetime earned, redeemed, expired, taken back, shortfall,
 * adjusted, 11 tiers, 12 series, 13 from, 14 to, 15 months, 16 from < to, 17 as_of,
 * 18 the programme. */
enum db_status reports_points(struct pool *pool, const struct points_report_query *q,
                              struct points_report *r)
{
	memset(r, 0, sizeof(*r));
	const char *params[] = {q->tenant_id, q->from, q->to, q->tz};
	const PGresult *res = NULL;
	enum db_status st =
	    run_report(pool, q->tenant_id, REPORT_POINTS, 4, params, &r->memory, &res);
	if (st != DB_OK)
		return st;
	if (PQntuples(res) != 1) {
		reports_release(&r->memory);
		return DB_ERROR;
	}
	row_read(res, 0, "IIIIIIIIIIIssssIbss", &r->outstanding, &r->customers_with_points,
	         &r->expiring[0], &r->expiring[1], &r->expiring[2], &r->earned, &r->redeemed,
	         &r->expired, &r->taken_back, &r->shortfall, &r->adjusted, &r->tiers, &r->series,
	         &r->from, &r->to, &r->months, &r->ordered, &r->as_of, &r->program);
	return DB_OK;
}

/* retention.sql: 0 k, 1 from, 2 to, 3 start, 4 end, 5 new, 6 reactivated, 7 retained,
 * 8 lost, 9 group, 10 the periods of the series. Rows: the whole range, the series (group
 * null), then the groups; none when from is not before to. */
static void period_read(const PGresult *res, int i, struct retention_period *p)
{
	row_read(res, i, ".ssIIIIIIs", &p->from, &p->to, &p->start, &p->end, &p->new_customers,
	         &p->reactivated, &p->retained, &p->lost, &p->group);
}

enum db_status reports_retention(struct pool *pool, const struct retention_query *q,
                                 struct retention_report *out)
{
	char window[24];
	snprintf(window, sizeof(window), "%ld", q->window_days);
	const char *params[] = {q->tenant_id, q->from, q->to, q->tz, window, q->interval, q->by};
	const PGresult *res = NULL;
	memset(out, 0, sizeof(*out));
	enum db_status st =
	    run_report(pool, q->tenant_id, REPORT_RETENTION, 7, params, &out->memory, &res);
	if (st != DB_OK || PQntuples(res) == 0) /* none when from is not before to */
		return st;
	int rows = PQntuples(res);
	out->ordered = true;
	row_read(res, 0, "..........I", &out->months);
	period_read(res, 0, &out->whole);
	if (!(out->series = rows_alloc(&out->memory, 0, rows, sizeof(*out->series))) ||
	    !(out->groups = rows_alloc(&out->memory, 1, rows, sizeof(*out->groups)))) {
		reports_release(&out->memory);
		return DB_ERROR;
	}
	for (int i = 1; i < rows; i++) {
		if (PQgetisnull(res, i, 9))
			period_read(res, i, &out->series[out->nseries++]);
		else
			period_read(res, i, &out->groups[out->ngroups++]);
	}
	return DB_OK;
}

/* A report of one row at q's instant ($1 tenant, $2 as_of, $3 tz), read as spec says. */
static enum db_status as_of_report(struct pool *pool, const struct as_of_query *q,
                                   enum sql_report r, struct report_memory *m, const PGresult **res)
{
	const char *params[] = {q->tenant_id, q->as_of, q->tz};
	enum db_status st = run_report(pool, q->tenant_id, r, 3, params, m, res);
	if (st == DB_OK && PQntuples(*res) != 1) {
		reports_release(m);
		return DB_ERROR;
	}
	return st;
}

/* rfm.sql, one row: 0 as_of, 1 customers, 2 segments, 3 grid, 4 as_of in tz. */
enum db_status reports_rfm(struct pool *pool, const struct as_of_query *q, struct rfm_report *out)
{
	const PGresult *res = NULL;
	memset(out, 0, sizeof(*out));
	enum db_status st = as_of_report(pool, q, REPORT_RFM, &out->memory, &res);
	if (st == DB_OK)
		row_read(res, 0, "sIsss", &out->as_of, &out->customers, &out->segments, &out->grid,
		         &out->as_of_local);
	return st;
}

/* segments.sql, one row: 0 as_of, 1 segments, 2 as_of in tz. */
enum db_status reports_segments(struct pool *pool, const struct as_of_query *q,
                                struct segments_report *out)
{
	const PGresult *res = NULL;
	memset(out, 0, sizeof(*out));
	enum db_status st = as_of_report(pool, q, REPORT_SEGMENTS, &out->memory, &res);
	if (st == DB_OK)
		row_read(res, 0, "sss", &out->as_of, &out->segments, &out->as_of_local);
	return st;
}
