/* expiry.c - writing lapsed points and expired coupons off in the background. */
#include "jobs/expiry.h"

#include <stdio.h>

#include "base/log.h"
#include "jobs/periodic.h"
#include "store/store_coupons.h"

struct batch_args {
	long visited;
};

static enum db_status do_batch(struct db *db, void *arg)
{
	struct batch_args *a = arg;
	char limit[16];
	PGresult *res = NULL;
	snprintf(limit, sizeof(limit), "%d", EXPIRY_BATCH);
	const char *params[] = {limit};
	enum db_status st = db_query(db, SQL_POINTS_EXPIRY_BATCH, 1, params, &res);
	if (st != DB_OK)
		return st;
	a->visited = PQntuples(res);
	for (int i = 0; i < PQntuples(res) && st == DB_OK; i++) {
		const char *who[] = {PQgetvalue(res, i, 0), PQgetvalue(res, i, 1)};
		/* each customer under its own tenant (row-level security) */
		st = db_query(db, SQL_TENANT_USE, 1, who, NULL);
		/* the lapsed amount is computed under the lock: never written twice */
		if (st == DB_OK)
			st = db_query(db, SQL_POINTS_EXPIRE, 2, who, NULL);
		if (st == DB_OK)
			st = db_query(db, SQL_POINTS_WATERMARK, 2, who, NULL);
	}
	PQclear(res);
	return st;
}

long expiry_run_once(struct pool *pool)
{
	long total = 0;
	for (;;) {
		struct batch_args a = {0};
		enum db_status st = db_transaction(pool, NULL, do_batch, &a);
		if (st != DB_OK) {
			log_msg(LOG_WARN, "points expiry pass failed", db_status_name(st));
			return -1;
		}
		total += a.visited;
		if (a.visited < EXPIRY_BATCH)
			return total;
	}
}

long expiry_coupons_once(struct pool *pool)
{
	long total = 0, n = 0;
	do {
		enum db_status st = coupons_expire(pool, EXPIRY_BATCH, &n);
		if (st != DB_OK) {
			log_msg(LOG_WARN, "coupon expiry pass failed", db_status_name(st));
			return -1;
		}
		total += n;
	} while (n == EXPIRY_BATCH);
	return total;
}

static void run_pass(void *arg)
{
	long n = expiry_run_once(arg);
	if (n > 0) {
		json_t *f = json_pack("{s:I}", "customers", (json_int_t)n);
		log_event(LOG_INFO, "points expired", f);
	}
	n = expiry_coupons_once(arg);
	if (n > 0) {
		json_t *f = json_pack("{s:I}", "coupons", (json_int_t)n);
		log_event(LOG_INFO, "coupons expired", f);
	}
}

int expiry_start(struct expiry_task **out, struct pool *pool, long interval_s)
{
	/* the task is the periodic thread itself (struct expiry_task is never defined) */
	return periodic_start((struct periodic **)out, interval_s, run_pass, pool);
}

void expiry_stop(struct expiry_task *t)
{
	periodic_stop((struct periodic *)t);
}
