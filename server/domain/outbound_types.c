/* outbound_types.c - the types of outbound events. */
#include "domain/outbound_types.h"

#include <string.h>

const char *const outbound_types[] = {
    "points.earned",   "points.redeemed", "points.expiring",          "points.expired",
    "tier.changed",    "survey.answered", "customer.entered_segment", "customer.erased",
    "reward.redeemed", "coupon.used",     "coupon.expiring",          NULL,
};

bool outbound_type_known(const char *type)
{
	for (const char *const *t = outbound_types; *t; t++)
		if (strcmp(*t, type) == 0)
			return true;
	return false;
}
