/* store_reports.c - report aggregates. */
#include "store_reports.h"

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
	enum db_status st = db_read(pool, do_counts, &a);
	if (st != DB_OK) {
		free(*periods);
		*periods = NULL;
	}
	return st;
}

struct points_args {
	const char *tenant_id, *from, *to, *tz;
	struct points_report *r;
};

static enum db_status do_points(struct db *db, void *arg)
{
	struct points_args *a = arg;
	struct points_report *r = a->r;
	PGresult *res = NULL;
	const char *who[] = {a->tenant_id};
	enum db_status st = db_query(db, SQL_PROGRAM_CONFIG, 1, who, &res);
	if (st != DB_OK)
		return st;
	free(r->program);
	r->program = PQntuples(res) == 1 ? strdup(PQgetvalue(res, 0, 1)) : NULL;
	PQclear(res);
	const char *params[] = {a->tenant_id, a->from, a->to, a->tz, r->program};
	if ((st = db_report(db, REPORT_POINTS, 5, params, &res)) != DB_OK)
		return st;
	long long *figures[] = {&r->outstanding, &r->customers_with_points,
	                        &r->expiring[0], &r->expiring[1],
	                        &r->expiring[2], &r->earned,
	                        &r->redeemed,    &r->expired,
	                        &r->taken_back,  &r->shortfall,
	                        &r->adjusted};
	for (int i = 0; i < 11; i++)
		*figures[i] = strtoll(PQgetvalue(res, 0, i), NULL, 10);
	free(r->tiers);
	free(r->series);
	r->tiers = strdup(PQgetvalue(res, 0, 11));
	r->series = strdup(PQgetvalue(res, 0, 12));
	snprintf(r->from, sizeof(r->from), "%s", PQgetvalue(res, 0, 13));
	snprintf(r->to, sizeof(r->to), "%s", PQgetvalue(res, 0, 14));
	r->months = column_long(res, 0, 15);
	r->ordered = PQgetvalue(res, 0, 16)[0] == 't';
	snprintf(r->as_of, sizeof(r->as_of), "%s", PQgetvalue(res, 0, 17));
	PQclear(res);
	return r->tiers && r->series ? DB_OK : DB_ERROR;
}

enum db_status reports_points(struct pool *pool, const char *tenant_id, const char *from,
                              const char *to, const char *tz, struct points_report *r)
{
	struct points_args a = {tenant_id, from, to, tz, r};
	memset(r, 0, sizeof(*r));
	enum db_status st = db_read(pool, do_points, &a);
	if (st != DB_OK)
		reports_points_free(r);
	return st;
}

void reports_points_free(struct points_report *r)
{
	free(r->tiers);
	free(r->series);
	free(r->program);
	r->tiers = r->series = r->program = NULL;
}

struct table_args {
	enum sql_report r;
	int nparams;
	const char *const *params;
	struct report_table *t;
};

static enum db_status do_table(struct db *db, void *arg)
{
	struct table_args *a = arg;
	PGresult *res = NULL;
	enum db_status st = db_report(db, a->r, a->nparams, a->params, &res);
	if (st != DB_OK)
		return st;
	reports_table_free(a->t);
	int rows = PQntuples(res), cols = PQnfields(res);
	char **cells = calloc((size_t)rows * (size_t)cols + 1, sizeof(char *));
	if (!cells) {
		PQclear(res);
		return DB_ERROR;
	}
	a->t->cells = cells;
	a->t->rows = rows;
	a->t->cols = cols;
	for (int i = 0; i < rows; i++)
		for (int j = 0; j < cols; j++)
			if (!PQgetisnull(res, i, j) &&
			    !(cells[i * cols + j] = strdup(PQgetvalue(res, i, j))))
				st = DB_ERROR;
	PQclear(res);
	return st;
}

enum db_status reports_table(struct pool *pool, enum sql_report r, int nparams,
                             const char *const *params, struct report_table *t)
{
	struct table_args a = {r, nparams, params, t};
	memset(t, 0, sizeof(*t));
	enum db_status st = db_read(pool, do_table, &a);
	if (st != DB_OK)
		reports_table_free(t);
	return st;
}

const char *reports_cell(const struct report_table *t, int row, int col)
{
	if (row < 0 || row >= t->rows || col < 0 || col >= t->cols)
		return NULL;
	return t->cells[row * t->cols + col];
}

void reports_table_free(struct report_table *t)
{
	for (int i = 0; t->cells && i < t->rows * t->cols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

struct program_args {
	const char *tenant_id;
	char **program;
};

static enum db_status do_program(struct db *db, void *arg)
{
	struct program_args *a = arg;
	PGresult *res = NULL;
	const char *who[] = {a->tenant_id};
	enum db_status st = db_query(db, SQL_PROGRAM_CONFIG, 1, who, &res);
	if (st != DB_OK)
		return st;
	free(*a->program);
	*a->program = PQntuples(res) == 1 ? strdup(PQgetvalue(res, 0, 1)) : NULL;
	PQclear(res);
	return DB_OK;
}

enum db_status reports_program(struct pool *pool, const char *tenant_id, char **program)
{
	struct program_args a = {tenant_id, program};
	*program = NULL;
	return db_read(pool, do_program, &a);
}
