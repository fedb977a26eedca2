/* expiry.h - the background task that writes lapsed points and expired coupons off.
 *
 * Every interval it takes batches of at most EXPIRY_BATCH customers whose lots lapsed
 * since their watermark, locks them (SKIP LOCKED: several loyaltyd processes share the
 * work), writes each one's lapsed points as one expire entry, and moves the watermark.
 * Balances never wait for it (they exclude lapsed lots); it keeps the ledger explicit.
 * Then, in batches of EXPIRY_BATCH, it marks issued coupons past their expiry expired and
 * gives their points back when the reward says refund_on_expiry (a coupon answers expired
 * as soon as it is past its expiry, before this runs). */
#ifndef LOYALTYD_EXPIRY_H
#define LOYALTYD_EXPIRY_H

#include "store/db.h"

#define EXPIRY_BATCH 500

struct expiry_task;

/* Starts the task on pool, running every interval_s seconds (0: never). Returns 0 or -1. */
__attribute__((warn_unused_result)) int expiry_start(struct expiry_task **out, struct pool *pool,
                                                     long interval_s);

/* Stops the task (finishing a batch it is in) and frees it. */
void expiry_stop(struct expiry_task *task);

/* Runs one pass now: every batch until no customer is left. Returns the number of
 * customers visited, or -1 on a database failure (logged). */
long expiry_run_once(struct pool *pool);

/* Writes every expired coupon off now. Returns how many, or -1 on a database failure. */
long expiry_coupons_once(struct pool *pool);

#endif
