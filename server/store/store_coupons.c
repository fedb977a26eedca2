/* store_coupons.c - coupons. */
#include "store/store_coupons.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/page.h"

enum db_status coupons_get(struct pool *pool, const char *tenant_id, const char *code, char **json)
{
	const char *params[] = {tenant_id, code};
	PGresult *res = NULL;
	struct db_step step = {SQL_COUPON_GET, 2, params, &res};
	*json = NULL;
	enum db_status st = db_pipeline_run(pool, tenant_id, &step, 1);
	if (st != DB_OK)
		return st;
	if (PQntuples(res) > 0 && !(*json = strdup(PQgetvalue(res, 0, 0))))
		st = DB_ERROR;
	PQclear(res);
	return st;
}

enum db_status coupons_use(struct pool *pool, const char *tenant_id, const char *code,
                           const char *order_id, const char *customer,
                           enum coupon_use_outcome *outcome, char **json)
{
	static const struct {
		const char *name;
		enum coupon_use_outcome outcome;
	} map[] = {{"done", COUPON_USE_DONE},
	           {"repeated", COUPON_USE_REPEATED},
	           {"other_customer", COUPON_USE_OTHER_CUSTOMER},
	           {"used", COUPON_USE_USED},
	           {"expired", COUPON_USE_EXPIRED}};
	const char *params[] = {tenant_id, code, order_id, customer};
	PGresult *res = NULL;
	struct db_step step = {SQL_COUPON_USE, 4, params, &res};
	*json = NULL;
	*outcome = COUPON_USE_NO_COUPON;
	enum db_status st = db_pipeline_run(pool, tenant_id, &step, 1);
	if (st != DB_OK)
		return st;
	const char *o = PQgetvalue(res, 0, 0);
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(o, map[i].name) == 0)
			*outcome = map[i].outcome;
	if (!PQgetisnull(res, 0, 1) && !(*json = strdup(PQgetvalue(res, 0, 1))))
		st = DB_ERROR;
	PQclear(res);
	return st;
}

enum db_status coupons_pool_add(struct pool *pool, const char *tenant_id, const char *reward_id,
                                const char *literal, bool strict, struct pool_added *r)
{
	const char *params[] = {tenant_id, reward_id, literal, strict ? "true" : "false"};
	PGresult *res = NULL;
	struct db_step step = {SQL_POOL_ADD, 4, params, &res};
	memset(r, 0, sizeof(*r));
	enum db_status st = db_pipeline_run(pool, tenant_id, &step, 1);
	if (st != DB_OK)
		return st;
	r->found = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	r->added = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	r->clashes = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
	r->available = strtoll(PQgetvalue(res, 0, 4), NULL, 10);
	if (!(r->clash_json = strdup(PQgetvalue(res, 0, 2))))
		st = DB_ERROR;
	PQclear(res);
	return st;
}

struct codes_args {
	const char *tenant_id, *reward_id, *status, *after_id;
	int limit;
	const char *cursor_scope;
	bool *found;
	char **page;
	size_t *len;
};

static enum db_status do_codes(struct db *db, void *arg)
{
	struct codes_args *a = arg;
	const char *which[] = {a->tenant_id, a->reward_id};
	char *reward = NULL, limit[16];
	PGresult *res = NULL;
	enum db_status st = db_value(db, SQL_REWARD_GET, 2, which, &reward);
	*a->found = reward != NULL;
	free(reward);
	if (st != DB_OK || !*a->found)
		return st;
	snprintf(limit, sizeof(limit), "%d", a->limit + 1);
	const char *params[] = {a->tenant_id, a->reward_id, a->after_id, limit, a->status};
	if ((st = db_query(db, SQL_POOL_CODES, 5, params, &res)) != DB_OK)
		return st;
	const char *position = PQntuples(res) > a->limit ? PQgetvalue(res, a->limit - 1, 0) : NULL;
	free(*a->page);
	*a->page = page_render(res, 1, a->limit, a->cursor_scope, position, a->len);
	PQclear(res);
	return *a->page ? DB_OK : DB_ERROR;
}

enum db_status coupons_pool_page(struct pool *pool, const char *tenant_id, const char *reward_id,
                                 const char *status, const char *after_id, int limit,
                                 const char *cursor_scope, char **page, size_t *len, bool *found)
{
	struct codes_args a = {tenant_id,    reward_id, status, after_id, limit,
	                       cursor_scope, found,     page,   len};
	*page = NULL;
	*found = false;
	return db_read(pool, tenant_id, do_codes, &a);
}

enum db_status coupons_expire(struct pool *pool, int max, long *count)
{
	char limit[16];
	PGresult *res = NULL;
	snprintf(limit, sizeof(limit), "%d", max);
	const char *params[] = {limit};
	struct db_step step = {SQL_COUPONS_EXPIRE, 1, params, &res};
	*count = 0;
	enum db_status st = db_pipeline_run(pool, NULL, &step, 1);
	if (st != DB_OK)
		return st;
	*count = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return DB_OK;
}
