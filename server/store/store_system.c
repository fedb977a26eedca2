/* store_system.c - the schema version, for readiness. */
#include "store/store_system.h"

#include <stdlib.h>

static enum db_status do_schema_version(struct db *db, void *arg)
{
	PGresult *res = NULL;
	enum db_status st = db_query(db, SQL_SCHEMA_VERSION, 0, NULL, &res);
	if (st != DB_OK)
		return st;
	*(long *)arg = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return DB_OK;
}

enum db_status system_schema_version(struct pool *pool, long *version)
{
	return db_read(pool, NULL, do_schema_version, version);
}
