/* outbound_daily.h - the daily evaluation of outbound events (issue 17).
 *
 * Some events are found by looking rather than written by a change: a customer who entered
 * lapsed, due_for_reorder, anniversaries or at_risk; a lot of points that lapses within
 * outbound_settings.expiring_days (points.expiring); a tier lost because points left the
 * window or a membership ended (tier.changed). A background thread checks every
 * LOYALTYD_OUTBOUND_DAILY_CHECK_S seconds which tenants with an enabled endpoint have
 * reached their run_at in their tz (outbound_settings; no row: 06:00 UTC) on a local day
 * they have not run yet, and evaluates each in one transaction that also records the day
 * (last_run_on, claimed with SKIP LOCKED): a restart, or several loyaltyd processes, never
 * run a day twice, and a run that fails leaves the day to be run again. The rules are in
 * sql/functions/55_outbound_daily_expiring.sql to 58_outbound_daily_run.sql. */
#ifndef LOYALTYD_OUTBOUND_DAILY_H
#define LOYALTYD_OUTBOUND_DAILY_H

#include <stdbool.h>

#include "store/db.h"
#include "store/store_outbound_daily.h"

struct outbound_daily_task;

/* Starts the thread on pool, checking every check_s seconds (0: never; *out is then NULL).
 * Returns 0 or -1. */
__attribute__((warn_unused_result)) int outbound_daily_start(struct outbound_daily_task **out,
                                                             struct pool *pool, long check_s);

/* Stops the thread (finishing an evaluation it is in) and frees it. task may be NULL. */
void outbound_daily_stop(struct outbound_daily_task *task);

/* Evaluates tenant_id now if due — or, with force, even if not due (it has run this local
 * day already, or run_at has not come): the way for an API or a command to run it. A tenant
 * without an enabled endpoint is never evaluated. *out (may be NULL) says what was done. */
__attribute__((warn_unused_result)) enum db_status
outbound_daily_run_tenant(struct pool *pool, const char *tenant_id, bool force,
                          struct outbound_daily_result *out);

/* One check: evaluates every tenant that is due. Returns the tenants evaluated, or -1 when
 * the database failed (logged). */
long outbound_daily_run_due(struct pool *pool);

#endif
