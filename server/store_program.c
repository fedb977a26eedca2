/* store_program.c - points programme versions. */
#include "store_program.h"

#include <stdlib.h>

struct value_args {
	enum sql_query q;
	const char *const *params;
	int nparams;
	char **json;
};

static enum db_status do_value(struct db *db, void *arg)
{
	struct value_args *a = arg;
	free(*a->json);
	return db_value(db, a->q, a->nparams, a->params, a->json);
}

enum db_status program_put(struct pool *pool, const char *tenant_id, const char *config,
                           char **json)
{
	const char *params[] = {tenant_id, config};
	struct value_args a = {SQL_PROGRAM_INSERT, params, 2, json};
	*json = NULL;
	return db_transaction(pool, do_value, &a);
}

enum db_status program_get(struct pool *pool, const char *tenant_id, char **json)
{
	const char *params[] = {tenant_id};
	struct value_args a = {SQL_PROGRAM_CURRENT, params, 1, json};
	*json = NULL;
	return db_read(pool, do_value, &a);
}
