/* store_customer_pages.h - the lists of one customer that page by id, newest first: their
 * points ledger and their coupons. */
#ifndef LOYALTYD_STORE_CUSTOMER_PAGES_H
#define LOYALTYD_STORE_CUSTOMER_PAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"

enum customer_list {
	CUSTOMER_LIST_POINTS,  /* ledger entries (points_history.sql) */
	CUSTOMER_LIST_COUPONS, /* coupons issued (customer_coupons.sql) */
};

/* One page of list of customer external_id; after_id is the cursor (the last id seen) or
 * NULL. *found is false when there is no such customer. */
__attribute__((warn_unused_result)) enum db_status
customer_page(struct pool *pool, const char *tenant_id, const char *external_id,
              enum customer_list list, const char *after_id, int limit, const char *cursor_scope,
              char **page, size_t *len, bool *found);

#endif
