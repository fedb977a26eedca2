/* store_events.c - events. */
#include "store/store_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/page.h"

/* Fills accepted[0..nrequests) from the (request number, stored) rows of events_insert. */
static void count_accepted(const PGresult *res, long *accepted, size_t nrequests)
{
	memset(accepted, 0, nrequests * sizeof(long));
	for (int i = 0; i < PQntuples(res); i++) {
		long j = strtol(PQgetvalue(res, i, 0), NULL, 10);
		if (j >= 0 && (size_t)j < nrequests)
			accepted[j] = strtol(PQgetvalue(res, i, 1), NULL, 10);
	}
}

enum db_status events_store(struct pool *pool, const char *tenant, const char *events_json,
                            long *accepted, size_t nrequests)
{
	const char *params[] = {events_json};
	PGresult *res = NULL;
	/* Both statements and the commit in one round trip (one implicit transaction). The
	 * second statement runs on a new snapshot, so it sees a customer another transaction
	 * created after the first began (whose ON CONFLICT DO NOTHING skipped it). */
	struct db_step steps[] = {
	    {SQL_EVENTS_CUSTOMERS_UPSERT, 1, params, NULL},
	    {SQL_EVENTS_INSERT, 1, params, &res},
	};
	enum db_status st = db_pipeline_run(pool, tenant, steps, 2);
	if (st != DB_OK)
		return st;
	count_accepted(res, accepted, nrequests);
	PQclear(res);
	return DB_OK;
}

enum db_status events_store_on(struct db *db, const char *events_json, long *accepted)
{
	const char *params[] = {events_json};
	PGresult *res = NULL;
	/* two statements, as above: the second sees the customers the first created */
	enum db_status st = db_query(db, SQL_EVENTS_CUSTOMERS_UPSERT, 1, params, NULL);
	if (st == DB_OK)
		st = db_query(db, SQL_EVENTS_INSERT, 1, params, &res);
	if (st != DB_OK)
		return st;
	count_accepted(res, accepted, 1);
	PQclear(res);
	return DB_OK;
}

struct list_args {
	const char *tenant_id, *external_id;
	const struct event_filter *f;
	char **page;
	size_t *len;
	bool *found;
};

static enum db_status do_list(struct db *db, void *arg)
{
	struct list_args *a = arg;
	const struct event_filter *f = a->f;
	char limit[16], *customer = NULL;
	PGresult *res = NULL;
	const char *who[] = {a->tenant_id, a->external_id};
	enum db_status st = db_value(db, SQL_CUSTOMER_ID, 2, who, &customer);
	if (st != DB_OK || !customer) {
		*a->found = false;
		return st;
	}
	*a->found = true;
	snprintf(limit, sizeof(limit), "%d", f->page.limit + 1);
	const char *params[] = {a->tenant_id, customer,   a->external_id,     f->type,
	                        f->page.from, f->page.to, f->page.after_time, f->page.after_id,
	                        limit};
	st = db_query(db, SQL_EVENTS_LIST, 9, params, &res);
	free(customer);
	if (st != DB_OK)
		return st;
	char payload[96] = "";
	if (PQntuples(res) > f->page.limit)
		snprintf(payload, sizeof(payload), "%s|%s", PQgetvalue(res, f->page.limit - 1, 0),
		         PQgetvalue(res, f->page.limit - 1, 1));
	free(*a->page);
	*a->page = page_render(res, 2, f->page.limit, f->page.cursor_scope,
	                       payload[0] ? payload : NULL, a->len);
	PQclear(res);
	return *a->page ? DB_OK : DB_ERROR;
}

enum db_status events_list(struct pool *pool, const char *tenant_id, const char *external_id,
                           const struct event_filter *f, char **page, size_t *len, bool *found)
{
	struct list_args a = {tenant_id, external_id, f, page, len, found};
	*page = NULL;
	*found = false;
	return db_read(pool, tenant_id, do_list, &a);
}
