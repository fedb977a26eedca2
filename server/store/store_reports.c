/* store_reports.c - report aggregates. */
#include "store/store_reports.h"

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

enum db_status reports_table(struct pool *pool, const char *tenant_id, enum sql_report r,
                             int nparams, const char *const *params, struct report_table *t)
{
	struct table_args a = {r, nparams, params, t};
	memset(t, 0, sizeof(*t));
	enum db_status st = db_read(pool, tenant_id, do_table, &a);
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

long long reports_cell_ll(const struct report_table *t, int row, int col)
{
	const char *v = reports_cell(t, row, col);
	return v ? strtoll(v, NULL, 10) : 0;
}

void reports_table_free(struct report_table *t)
{
	for (int i = 0; t->cells && i < t->rows * t->cols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
