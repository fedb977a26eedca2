/* outbound_daily.c - the daily evaluation of outbound events, in the background. */
#include "jobs/outbound_daily.h"

#include <stdlib.h>

#include "base/log.h"
#include "jobs/periodic.h"

enum db_status outbound_daily_run_tenant(struct pool *pool, const char *tenant_id, bool force,
                                         struct outbound_daily_result *out)
{
	struct outbound_daily_result r;
	enum db_status st = outbound_daily_tenant(pool, tenant_id, force, &r);
	if (st != DB_OK) {
		json_t *f =
		    json_pack("{s:s, s:s}", "tenant_id", tenant_id, "status", db_status_name(st));
		log_event(LOG_WARN, "daily evaluation failed", f);
	} else if (r.ran) {
		json_t *f =
		    json_pack("{s:s, s:b, s:I, s:I, s:I}", "tenant_id", tenant_id, "baseline",
		              r.baseline, "entered_segment", (json_int_t)r.entered, "expiring",
		              (json_int_t)r.expiring, "tier_changed", (json_int_t)r.tier_changes);
		log_event(LOG_INFO, "daily evaluation", f);
	}
	if (out)
		*out = r;
	return st;
}

long outbound_daily_run_due(struct pool *pool)
{
	outbound_tenant_id *tenants = NULL;
	size_t n = 0;
	enum db_status st = outbound_daily_due(pool, &tenants, &n);
	if (st != DB_OK) {
		log_msg(LOG_WARN, "daily evaluation check failed", db_status_name(st));
		return -1;
	}
	long ran = 0;
	for (size_t i = 0; i < n; i++) {
		struct outbound_daily_result r;
		/* a tenant that fails is logged and tried again at the next check */
		if (outbound_daily_run_tenant(pool, tenants[i], false, &r) == DB_OK && r.ran)
			ran++;
	}
	free(tenants);
	return ran;
}

static void check(void *pool)
{
	(void)outbound_daily_run_due(pool);
}

int outbound_daily_start(struct outbound_daily_task **out, struct pool *pool, long check_s)
{
	/* the task is the periodic thread itself (struct outbound_daily_task is never defined) */
	return periodic_start((struct periodic **)out, check_s, check, pool);
}

void outbound_daily_stop(struct outbound_daily_task *task)
{
	periodic_stop((struct periodic *)task);
}
