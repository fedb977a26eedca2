/* store_rewards.h - the rewards catalogue and redemptions: spending a customer's points on a
 * reward and issuing its coupon in one statement (reward_redeem() in
 * sql/functions/64_reward_redeem.sql), so that neither points nor stock are ever spent
 * twice and a refused redemption changes nothing. */
#ifndef LOYALTYD_STORE_REWARDS_H
#define LOYALTYD_STORE_REWARDS_H

#include <stdbool.h>

#include "domain/reward_input.h"
#include "store/db.h"

/* Why a write of the catalogue made no reward. */
enum reward_refusal {
	REWARD_WRITTEN,
	REWARD_FULL,         /* the tenant has 1,000 rewards */
	REWARD_UNKNOWN_TIER, /* tier is not a tier of the programme in force */
	REWARD_GONE,         /* no such reward */
	REWARD_CHANGED,      /* changed since it was read */
	REWARD_STOCK_BELOW   /* stock below what it has issued (*issued) */
};

/* Adds a reward: on DB_OK, *json (malloc'd) is the reward when *why is REWARD_WRITTEN. */
__attribute__((warn_unused_result)) enum db_status
rewards_create(struct pool *pool, const char *tenant_id, const struct reward_input *in, char **json,
               enum reward_refusal *why);

/* Replaces every field of reward id as in, if its updated_at is still updated_at. */
__attribute__((warn_unused_result)) enum db_status
rewards_update(struct pool *pool, const char *tenant_id, const char *id, const char *updated_at,
               const struct reward_input *in, char **json, enum reward_refusal *why,
               long long *issued);

/* The reward id (*json NULL: none), or the catalogue ({"data": [...]}'s array). */
__attribute__((warn_unused_result)) enum db_status
rewards_get(struct pool *pool, const char *tenant_id, const char *id, char **json);
__attribute__((warn_unused_result)) enum db_status rewards_list(struct pool *pool,
                                                                const char *tenant_id, char **json);

enum reward_delete_outcome { REWARD_DELETED, REWARD_HAS_COUPONS, REWARD_NOT_FOUND };

__attribute__((warn_unused_result)) enum db_status
rewards_delete(struct pool *pool, const char *tenant_id, const char *id,
               enum reward_delete_outcome *outcome);

enum redeem_outcome {
	REDEEM_DONE,
	REDEEM_NO_CUSTOMER,
	REDEEM_NO_REWARD,
	REDEEM_NOT_AVAILABLE, /* disabled, or outside its window */
	REDEEM_TIER_REQUIRED,
	REDEEM_LIMIT_REACHED,
	REDEEM_OVER_BALANCE,
	REDEEM_NO_CODES, /* a pool reward whose pool is empty */
	REDEEM_OUT_OF_STOCK
};

struct redeem_result {
	enum redeem_outcome outcome;
	char *coupon, *entry; /* JSON (malloc'd) when REDEEM_DONE */
	long long figure;     /* balance after (done), available (over balance), the limit */
	char tier[72];        /* the tier required */
};

/* Redeems reward_id for the customer external_id: one statement, retried with a fresh
 * random code when the one drawn exists already. The caller frees r->coupon, r->entry. */
__attribute__((warn_unused_result)) enum db_status
rewards_redeem(struct pool *pool, const char *tenant_id, const char *external_id,
               const char *reward_id, struct redeem_result *r);

#endif
