/* store_outbound_daily.h - the daily evaluation of outbound events, in SQL
 * (sql/functions/53_outbound_local_now.sql to 58_outbound_daily_run.sql): which tenants
 * are due, and one tenant's evaluation in one transaction. */
#ifndef LOYALTYD_STORE_OUTBOUND_DAILY_H
#define LOYALTYD_STORE_OUTBOUND_DAILY_H

#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"

/* A tenant id as text (a UUID and its NUL). */
typedef char outbound_tenant_id[37];

/* What one tenant's evaluation did. */
struct outbound_daily_result {
	bool ran;          /* false: not due, run elsewhere, or no enabled endpoint */
	bool baseline;     /* the tenant's first evaluation: segment members recorded silently */
	long entered;      /* customer.entered_segment messages written */
	long expiring;     /* points.expiring messages written */
	long tier_changes; /* tier.changed messages written */
};

/* The tenants with an enabled endpoint whose local run_at has come on a local day they
 * have not run yet, across tenants: *tenants (malloc'd, the caller frees) holds *n ids. */
__attribute__((warn_unused_result)) enum db_status
outbound_daily_due(struct pool *pool, outbound_tenant_id **tenants, size_t *n);

/* Runs the evaluation of tenant in one transaction (not when not due, unless force);
 * everything it writes commits together, the claim of the local day included. */
__attribute__((warn_unused_result)) enum db_status
outbound_daily_tenant(struct pool *pool, const char *tenant, bool force,
                      struct outbound_daily_result *out);

#endif
