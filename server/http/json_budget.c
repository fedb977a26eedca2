/* json_budget.c - the counting allocator behind json_budget_loadb(). */
#include "http/json_budget.h"

#include <malloc.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

struct budget {
	bool on;
	enum json_budget_result result;
	size_t used, limit;
};

static _Thread_local struct budget budget;
static atomic_size_t pool_used;
static size_t pool_limit = SIZE_MAX;

static void *budget_malloc(size_t n)
{
	void *p = malloc(n);
	if (!p || !budget.on)
		return p;
	size_t got = malloc_usable_size(p);
	if (budget.used + got > budget.limit) {
		free(p);
		budget.result = JSON_BUDGET_OVER;
		return NULL;
	}
	if (atomic_fetch_add(&pool_used, got) + got > pool_limit) {
		atomic_fetch_sub(&pool_used, got);
		free(p);
		budget.result = JSON_BUDGET_BUSY;
		return NULL;
	}
	budget.used += got;
	return p;
}

static void budget_free(void *p)
{
	if (p && budget.on) {
		size_t got = malloc_usable_size(p);
		if (got > budget.used)
			got = budget.used; /* allocated before the parse: never counted */
		budget.used -= got;
		atomic_fetch_sub(&pool_used, got);
	}
	free(p);
}

void json_budget_install(size_t pool_bytes)
{
	pool_limit = pool_bytes;
	json_set_alloc_funcs(budget_malloc, budget_free);
}

json_t *json_budget_loadb(const char *data, size_t len, size_t flags, size_t limit,
                          json_error_t *err, enum json_budget_result *result)
{
	/* a budget past the whole pool would be answered "busy" for ever: it is the pool */
	budget = (struct budget){.on = true, .limit = limit < pool_limit ? limit : pool_limit};
	json_t *root = json_loadb(data, len, flags, err);
	*result = budget.result;
	/* the pool bounds parses under way; the tree, once made, is the request's */
	atomic_fetch_sub(&pool_used, budget.used);
	budget = (struct budget){0};
	if (*result != JSON_BUDGET_OK && root) { /* jansson survived a failed allocation */
		json_decref(root);
		root = NULL;
	}
	return root;
}
