/* store_program.h - the tenant's points programme and its versions. */
#ifndef LOYALTYD_STORE_PROGRAM_H
#define LOYALTYD_STORE_PROGRAM_H

#include "db.h"

/* Stores config (canonical JSON from program_input_parse()) as the tenant's next version.
 * *json is the stored programme with "version" and "updated_at". DB_CONFLICT when another
 * change was stored at the same moment. */
__attribute__((warn_unused_result)) enum db_status
program_put(struct pool *pool, const char *tenant_id, const char *config, char **json);

/* *json is the programme in force, or NULL when the tenant has none yet. */
__attribute__((warn_unused_result)) enum db_status program_get(struct pool *pool,
                                                               const char *tenant_id, char **json);

#endif
