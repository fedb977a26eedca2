/* store_tenants.h - tenants in PostgreSQL. */
#ifndef LOYALTYD_STORE_TENANTS_H
#define LOYALTYD_STORE_TENANTS_H

#include <jansson.h>

#include "store/db.h"

/* Creates a tenant and its first key (every scope) in one transaction. On DB_OK *out is
 * a new object {"tenant": {id, name, created_at}, "api_key": {…, "secret"}}. */
__attribute__((warn_unused_result)) enum db_status tenants_create(struct pool *pool,
                                                                  const char *name, json_t **out);

#endif
