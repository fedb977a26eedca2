/* store_points.c - the points ledger. */
#include "store/store_points.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_program.h"

static enum db_status read_figures(struct db *db, const char *tenant_id, const char *customer,
                                   const char *program, struct points_figures *f)
{
	const char *params[] = {tenant_id, customer, program};
	PGresult *res = NULL;
	enum db_status st = db_query(db, SQL_POINTS_STATE, 3, params, &res);
	if (st != DB_OK)
		return st;
	memset(f, 0, sizeof(*f));
	f->balance = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	f->expiring_points = PQgetisnull(res, 0, 1) ? 0 : strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	snprintf(f->expiring_at, sizeof(f->expiring_at), "%s",
	         PQgetisnull(res, 0, 2) ? "" : PQgetvalue(res, 0, 2));
	f->lifetime_earned = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
	f->lifetime_redeemed = strtoll(PQgetvalue(res, 0, 4), NULL, 10);
	f->earned_in_window = strtoll(PQgetvalue(res, 0, 5), NULL, 10);
	snprintf(f->tier, sizeof(f->tier), "%s", PQgetvalue(res, 0, 6));
	snprintf(f->next_tier, sizeof(f->next_tier), "%s", PQgetvalue(res, 0, 7));
	f->points_to_next = strtoll(PQgetvalue(res, 0, 8), NULL, 10);
	PQclear(res);
	return DB_OK;
}

enum db_status points_apply(struct pool *pool, const char *tenant_id, const char *external_id,
                            const struct points_change *ch, enum points_outcome *outcome,
                            char **entry, long long *balance, long long *min_redeem)
{
	static const char *const kinds[] = {"earn", "redeem", "adjust"};
	char delta[24];
	PGresult *res = NULL;
	snprintf(delta, sizeof(delta), "%lld", ch->op == POINTS_REDEEM ? -ch->points : ch->points);
	const char *params[] = {tenant_id, external_id, kinds[ch->op],
	                        delta,     ch->reason,  ch->reference};
	/* one statement, its own transaction: see points_change() in the migrations */
	struct db_step step = {SQL_POINTS_CHANGE, 6, params, &res};
	*entry = NULL;
	*outcome = POINTS_DONE;
	*balance = *min_redeem = 0;
	enum db_status st = db_pipeline_run(pool, tenant_id, &step, 1);
	if (st != DB_OK)
		return st;
	const char *o = PQgetvalue(res, 0, 0);
	*outcome = strcmp(o, "done") == 0          ? POINTS_DONE
	           : strcmp(o, "no_customer") == 0 ? POINTS_NO_CUSTOMER
	           : strcmp(o, "under_min") == 0   ? POINTS_UNDER_MIN
	                                           : POINTS_OVER_BALANCE;
	if (*outcome == POINTS_DONE && !(*entry = strdup(PQgetvalue(res, 0, 1))))
		st = DB_ERROR;
	*balance = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	*min_redeem = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
	PQclear(res);
	return st;
}

struct read_args {
	const char *tenant_id, *external_id;
	bool *found;
	struct points_figures *fig;
	char **program;
};

static enum db_status do_read(struct db *db, void *arg)
{
	struct read_args *a = arg;
	const char *who[] = {a->tenant_id, a->external_id};
	char *customer = NULL;
	enum db_status st = db_value(db, SQL_CUSTOMER_ID, 2, who, &customer);
	*a->found = customer != NULL;
	if (st != DB_OK || !customer) {
		free(customer);
		return st;
	}
	free(*a->program);
	st = program_config_read(db, a->tenant_id, a->program);
	if (st == DB_OK)
		st = read_figures(db, a->tenant_id, customer, *a->program, a->fig);
	free(customer);
	return st;
}

enum db_status points_read(struct pool *pool, const char *tenant_id, const char *external_id,
                           bool *found, struct points_figures *fig, char **program)
{
	struct read_args a = {tenant_id, external_id, found, fig, program};
	*program = NULL;

	*found = false;
	memset(fig, 0, sizeof(*fig));
	return db_read(pool, tenant_id, do_read, &a);
}
