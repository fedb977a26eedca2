/* store_points.h - the points ledger of one customer. Every write runs in one
 * transaction that locks the customer, checks, writes lapsed lots as an expire entry and
 * appends; so a redeem never spends points another request spends, and a refused request
 * changes nothing. */
#ifndef LOYALTYD_STORE_POINTS_H
#define LOYALTYD_STORE_POINTS_H

#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"

enum points_op { POINTS_EARN, POINTS_REDEEM, POINTS_ADJUST };

struct points_change {
	enum points_op op;
	long long points; /* positive for earn and redeem; signed for adjust */
	const char *reason, *reference;
};

struct points_figures {
	long long balance, expiring_points, lifetime_earned, lifetime_redeemed, earned_in_window;
	char expiring_at[32]; /* "" when nothing expires */
	/* the tier placed by points earned in the window and running memberships; "" without
	 * a programme; next_tier "" at the top (points_to_next then 0) */
	char tier[72], next_tier[72];
	long long points_to_next;
};

enum points_outcome {
	POINTS_DONE,
	POINTS_NO_CUSTOMER,
	POINTS_OVER_BALANCE, /* a redeem or negative adjustment larger than the balance */
	POINTS_UNDER_MIN     /* a redeem under the programme's min_redeem */
};

/* Applies a change in one statement (its own transaction). On DB_OK, *outcome says what
 * happened; when POINTS_DONE, *entry is the new ledger entry (JSON, malloc'd) and *balance
 * the balance after it; otherwise nothing was written and *balance is the available
 * balance. *min_redeem is the programme's. */
__attribute__((warn_unused_result)) enum db_status
points_apply(struct pool *pool, const char *tenant_id, const char *external_id,
             const struct points_change *ch, enum points_outcome *outcome, char **entry,
             long long *balance, long long *min_redeem);

/* Reads a customer's figures and the programme in force (*program: JSON text or NULL,
 * malloc'd). *found is false when there is no such customer. */
__attribute__((warn_unused_result)) enum db_status
points_read(struct pool *pool, const char *tenant_id, const char *external_id, bool *found,
            struct points_figures *fig, char **program);

#endif
