/* store_coupons.h - coupons: looking one up by its code, its one use at checkout, and the
 * coupons of a customer. Codes are upper case (coupon_code_normalize). */
#ifndef LOYALTYD_STORE_COUPONS_H
#define LOYALTYD_STORE_COUPONS_H

#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"

/* Coupon code of tenant_id (*json NULL: no such coupon issued). */
__attribute__((warn_unused_result)) enum db_status
coupons_get(struct pool *pool, const char *tenant_id, const char *code, char **json);

enum coupon_use_outcome {
	COUPON_USE_DONE,
	COUPON_USE_REPEATED, /* used before for this same order: answered as done */
	COUPON_USE_NO_COUPON,
	COUPON_USE_OTHER_CUSTOMER,
	COUPON_USE_USED, /* used before for another order */
	COUPON_USE_EXPIRED
};

/* Marks coupon code used for order_id, once; customer (external id, may be NULL) must be
 * the one it was issued to. *json (malloc'd) is the coupon, except for NO_COUPON. */
__attribute__((warn_unused_result)) enum db_status
coupons_use(struct pool *pool, const char *tenant_id, const char *code, const char *order_id,
            const char *customer, enum coupon_use_outcome *outcome, char **json);

/* What adding codes to a reward's pool did. */
struct pool_added {
	bool found;          /* the reward exists */
	long long added;     /* codes added */
	long long clashes;   /* codes the tenant had already (see pool_add.sql) */
	char *clash_json;    /* the first 100 of them, JSON (malloc'd) */
	long long available; /* codes of the pool available after */
};

/* Adds the codes of literal (a text[] literal of distinct upper-case codes) to the pool of
 * reward_id; strict: any code the tenant has already adds none (codes drawn at random,
 * draw again); else codes of this pool are skipped and a code of another reward adds none.
 * The caller frees r->clash_json. */
__attribute__((warn_unused_result)) enum db_status
coupons_pool_add(struct pool *pool, const char *tenant_id, const char *reward_id,
                 const char *literal, bool strict, struct pool_added *r);

/* One page of the codes of reward_id (status NULL: any), oldest first. *found is false when
 * there is no such reward. */
__attribute__((warn_unused_result)) enum db_status
coupons_pool_page(struct pool *pool, const char *tenant_id, const char *reward_id,
                  const char *status, const char *after_id, int limit, const char *cursor_scope,
                  char **page, size_t *len, bool *found);

/* Writes off up to max issued coupons past their expiry, across tenants, giving their
 * points back when the reward says so (coupons_expire() in
 * sql/functions/67_coupons_expire.sql). *count: the coupons written off. */
__attribute__((warn_unused_result)) enum db_status coupons_expire(struct pool *pool, int max,
                                                                  long *count);

#endif
