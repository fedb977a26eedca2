/* store_rewards.c - the rewards catalogue and redemptions. */
#include "store/store_rewards.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/coupon_code.h"

#define REDEEM_CODE_TRIES 4

/* Runs the one statement q for tenant; *res is its result (PQclear it) on DB_OK. */
static enum db_status one(struct pool *pool, const char *tenant_id, enum sql_query q, int n,
                          const char *const *params, PGresult **res)
{
	struct db_step step = {q, n, params, res};
	*res = NULL;
	return db_pipeline_run(pool, tenant_id, &step, 1);
}

/* A copy of cell (row 0, col) of res, or NULL when SQL NULL (or no row); -1 on no memory. */
static int cell(const PGresult *res, int col, char **out)
{
	*out = NULL;
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, col))
		return 0;
	*out = strdup(PQgetvalue(res, 0, col));
	return *out ? 0 : -1;
}

static enum reward_refusal refusal(const PGresult *res, int col)
{
	const char *r =
	    PQntuples(res) > 0 && !PQgetisnull(res, 0, col) ? PQgetvalue(res, 0, col) : "";
	return strcmp(r, "full") == 0      ? REWARD_FULL
	       : strcmp(r, "tier") == 0    ? REWARD_UNKNOWN_TIER
	       : strcmp(r, "gone") == 0    ? REWARD_GONE
	       : strcmp(r, "changed") == 0 ? REWARD_CHANGED
	       : strcmp(r, "stock") == 0   ? REWARD_STOCK_BELOW
	                                   : REWARD_WRITTEN;
}

/* The 18 parameters of a reward after the tenant's, in the order of reward_create.sql. */
#define REWARD_PARAMS(in)                                                                          \
	(in)->name, (in)->points_cost, (in)->kind, (in)->amount, (in)->currency, (in)->percent,    \
	    (in)->description, (in)->tier, (in)->starts_at, (in)->ends_at, (in)->stock,            \
	    (in)->per_customer_limit, (in)->coupon_valid_days, (in)->refund_on_expiry,             \
	    (in)->codes, (in)->code_prefix, (in)->code_length, (in)->enabled

/* Runs a write of the catalogue (q: reward_create.sql or reward_update.sql, whose columns
 * are the reward, the refusal and, for an update, what it has issued). */
static enum db_status write(struct pool *pool, const char *tenant_id, enum sql_query q, int n,
                            const char *const *params, char **json, enum reward_refusal *why,
                            long long *issued)
{
	PGresult *res = NULL;
	*json = NULL;
	*issued = 0;
	enum db_status st = one(pool, tenant_id, q, n, params, &res);
	if (st != DB_OK)
		return st;
	*why = refusal(res, 1);
	if (PQnfields(res) > 2 && !PQgetisnull(res, 0, 2))
		*issued = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	if (cell(res, 0, json) != 0)
		st = DB_ERROR;
	PQclear(res);
	return st;
}

enum db_status rewards_create(struct pool *pool, const char *tenant_id,
                              const struct reward_input *in, char **json, enum reward_refusal *why)
{
	const char *params[] = {tenant_id, REWARD_PARAMS(in)};
	long long issued;
	return write(pool, tenant_id, SQL_REWARD_CREATE, 19, params, json, why, &issued);
}

enum db_status rewards_update(struct pool *pool, const char *tenant_id, const char *id,
                              const char *updated_at, const struct reward_input *in, char **json,
                              enum reward_refusal *why, long long *issued)
{
	const char *params[] = {tenant_id, REWARD_PARAMS(in), id, updated_at};
	return write(pool, tenant_id, SQL_REWARD_UPDATE, 21, params, json, why, issued);
}

static enum db_status first_cell(struct pool *pool, const char *tenant_id, enum sql_query q, int n,
                                 const char *const *params, char **json)
{
	PGresult *res = NULL;
	*json = NULL;
	enum db_status st = one(pool, tenant_id, q, n, params, &res);
	if (st != DB_OK)
		return st;
	if (cell(res, 0, json) != 0)
		st = DB_ERROR;
	PQclear(res);
	return st;
}

enum db_status rewards_get(struct pool *pool, const char *tenant_id, const char *id, char **json)
{
	const char *params[] = {tenant_id, id};
	return first_cell(pool, tenant_id, SQL_REWARD_GET, 2, params, json);
}

enum db_status rewards_list(struct pool *pool, const char *tenant_id, char **json)
{
	const char *params[] = {tenant_id};
	return first_cell(pool, tenant_id, SQL_REWARD_LIST, 1, params, json);
}

enum db_status rewards_delete(struct pool *pool, const char *tenant_id, const char *id,
                              enum reward_delete_outcome *outcome)
{
	const char *params[] = {tenant_id, id};
	char *what = NULL;
	enum db_status st = first_cell(pool, tenant_id, SQL_REWARD_DELETE, 2, params, &what);
	*outcome = !what                         ? REWARD_NOT_FOUND
	           : strcmp(what, "issued") == 0 ? REWARD_HAS_COUPONS
	                                         : REWARD_DELETED;
	free(what);
	return st;
}

static enum redeem_outcome redeem_outcome_of(const char *o)
{
	static const struct {
		const char *name;
		enum redeem_outcome outcome;
	} map[] = {{"done", REDEEM_DONE},
	           {"no_customer", REDEEM_NO_CUSTOMER},
	           {"no_reward", REDEEM_NO_REWARD},
	           {"not_available", REDEEM_NOT_AVAILABLE},
	           {"tier_required", REDEEM_TIER_REQUIRED},
	           {"limit_reached", REDEEM_LIMIT_REACHED},
	           {"over_balance", REDEEM_OVER_BALANCE},
	           {"no_codes", REDEEM_NO_CODES},
	           {"out_of_stock", REDEEM_OUT_OF_STOCK}};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(o, map[i].name) == 0)
			return map[i].outcome;
	return REDEEM_OUT_OF_STOCK;
}

enum db_status rewards_redeem(struct pool *pool, const char *tenant_id, const char *external_id,
                              const char *reward_id, struct redeem_result *r)
{
	char candidate[COUPON_RANDOM_MAX + 1];
	memset(r, 0, sizeof(*r));
	for (int tries = 0; tries < REDEEM_CODE_TRIES; tries++) {
		if (coupon_code_generate(COUPON_RANDOM_MAX, candidate) != 0)
			return DB_ERROR;
		const char *params[] = {tenant_id, external_id, reward_id, candidate};
		PGresult *res = NULL;
		enum db_status st = one(pool, tenant_id, SQL_REWARD_REDEEM, 4, params, &res);
		if (st != DB_OK)
			return st;
		const char *o = PQgetvalue(res, 0, 0);
		if (strcmp(o, "code_taken") == 0) { /* nothing written: draw again */
			PQclear(res);
			continue;
		}
		r->outcome = redeem_outcome_of(o);
		r->figure = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
		snprintf(r->tier, sizeof(r->tier), "%s", PQgetvalue(res, 0, 3));
		if (cell(res, 1, &r->coupon) != 0 || cell(res, 4, &r->entry) != 0)
			st = DB_ERROR;
		PQclear(res);
		return st;
	}
	return DB_ERROR; /* four codes of 31^code_length taken in a row: not chance */
}
