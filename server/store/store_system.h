/* store_system.h - what the service asks of the database about itself. */
#ifndef LOYALTYD_STORE_SYSTEM_H
#define LOYALTYD_STORE_SYSTEM_H

#include "store/db.h"

/* Reads the schema's version (the highest migration applied; 0 for none) into *version. */
__attribute__((warn_unused_result)) enum db_status system_schema_version(struct pool *pool,
                                                                         long *version);

#endif
