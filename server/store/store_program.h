/* store_program.h - the tenant's points programme and its versions. */
#ifndef LOYALTYD_STORE_PROGRAM_H
#define LOYALTYD_STORE_PROGRAM_H

#include <jansson.h>

#include "store/db.h"

/* Stores config (canonical JSON from program_input_parse()) as the tenant's next version.
 * *json is the stored programme with "version" and "updated_at". DB_CONFLICT when another
 * change was stored at the same moment. */
__attribute__((warn_unused_result)) enum db_status
program_put(struct pool *pool, const char *tenant_id, const char *config, char **json);

/* *json is the programme in force, or NULL when the tenant has none yet. */
__attribute__((warn_unused_result)) enum db_status program_get(struct pool *pool,
                                                               const char *tenant_id, char **json);

/* Inside another store's transaction: *config is the programme in force (JSON text,
 * malloc'd), or NULL when the tenant has none. */
__attribute__((warn_unused_result)) enum db_status
program_config_read(struct db *db, const char *tenant_id, char **config);

/* A dry run of config: nothing is stored. */
struct program_dry_run {
	long long customers, changes; /* customers placed; those whose tier would change */
	json_t *page;                 /* [{"customer_id", "from", "to"}] of this page */
	char next_after[24];          /* cursor payload of the next page, "" at the end */
};

/* Places every customer under the programme in force and under config, as of now, and
 * answers one page (limit rows after the customer row id after, or from the start when
 * NULL) of those whose tier would change, in customer order. The caller decrefs
 * out->page. */
__attribute__((warn_unused_result)) enum db_status
program_dry_run(struct pool *pool, const char *tenant_id, const char *config, const char *after,
                int limit, struct program_dry_run *out);

#endif
