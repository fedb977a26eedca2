/* store_customer_pages.c - a customer's lists that page by id. */
#include "store/store_customer_pages.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/page.h"

struct page_args {
	const char *tenant_id, *external_id, *after_id;
	enum customer_list list;
	int limit;
	const char *cursor_scope;
	/* the answer: whether the customer exists, and its page */
	bool *found;
	char **page;
	size_t *len;
};

static enum db_status do_page(struct db *db, void *arg)
{
	struct page_args *a = arg;
	const char *who[] = {a->tenant_id, a->external_id};
	char *customer = NULL, limit[16];
	PGresult *res = NULL;
	enum db_status st = db_value(db, SQL_CUSTOMER_ID, 2, who, &customer);
	*a->found = customer != NULL;
	if (st != DB_OK || !customer) {
		free(customer);
		return st;
	}
	snprintf(limit, sizeof(limit), "%d", a->limit + 1);
	/* $1 tenant, $2 customers.id, $3 cursor, $4 limit (+1: is there more), $5 external id */
	const char *params[] = {a->tenant_id, customer, a->after_id, limit, a->external_id};
	if (a->list == CUSTOMER_LIST_POINTS)
		st = db_query(db, SQL_POINTS_HISTORY, 4, params, &res);
	else
		st = db_query(db, SQL_CUSTOMER_COUPONS, 5, params, &res);
	free(customer);
	if (st != DB_OK)
		return st;
	const char *position = PQntuples(res) > a->limit ? PQgetvalue(res, a->limit - 1, 0) : NULL;
	free(*a->page);
	*a->page = page_render(res, 1, a->limit, a->cursor_scope, position, a->len);
	PQclear(res);
	return *a->page ? DB_OK : DB_ERROR;
}

enum db_status customer_page(struct pool *pool, const char *tenant_id, const char *external_id,
                             enum customer_list list, const char *after_id, int limit,
                             const char *cursor_scope, char **page, size_t *len, bool *found)
{
	struct page_args a = {tenant_id,    external_id, after_id, list, limit,
	                      cursor_scope, found,       page,     len};
	*page = NULL;
	*found = false;
	return db_read(pool, tenant_id, do_page, &a);
}
