/* store_customers.h - customers in PostgreSQL, always within one tenant. Texts returned
 * are JSON the database rendered (customer_json(), migration 0002), malloc'd: the caller
 * frees them or hands them to http_reply_owned(). */
#ifndef LOYALTYD_STORE_CUSTOMERS_H
#define LOYALTYD_STORE_CUSTOMERS_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/customer_input.h"
#include "store/db.h"

/* Creates or replaces customer external_id. *created tells which; *json is the result. */
__attribute__((warn_unused_result)) enum db_status
customers_upsert(struct pool *pool, const char *tenant_id, const char *external_id,
                 const struct customer_input *in, bool *created, char **json);

/* *json is the customer, or NULL when the tenant has none of that id. */
__attribute__((warn_unused_result)) enum db_status
customers_get(struct pool *pool, const char *tenant_id, const char *external_id, char **json);

struct customer_filter {
	const char *after_id;      /* cursor payload: the internal id of the last row seen */
	const char *created_after; /* RFC 3339 */
	const char *tag;
	const char *email; /* compared case-insensitively */
	int limit;
	const char *cursor_scope; /* of next_cursor (cursor.h) */
};

/* One page of customers in creation order as {"data": [...], "next_cursor": …}. */
__attribute__((warn_unused_result)) enum db_status customers_list(struct pool *pool,
                                                                  const char *tenant_id,
                                                                  const struct customer_filter *f,
                                                                  char **page, size_t *len);

/* Erases the customer and everything held about them (events and every table that
 * references customers) in one transaction. *found is false when there was none. */
__attribute__((warn_unused_result)) enum db_status
customers_erase(struct pool *pool, const char *tenant_id, const char *external_id, bool *found);

/* *json is the whole record of one customer, or NULL when there is none. */
__attribute__((warn_unused_result)) enum db_status
customers_export(struct pool *pool, const char *tenant_id, const char *external_id, char **json);

#endif
