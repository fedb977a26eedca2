/* json_budget.h - a bound on the memory jansson may take to parse request bodies.
 *
 * jansson builds a value per token, so JSON can swell ~20 times as it is parsed (a 10 MiB
 * [0,0,…] takes ~190 MiB) before a single field is validated. jansson allocates through
 * functions loyaltyd installs at start-up; while a thread parses with a budget, those
 * count what it holds (malloc_usable_size) and fail past its budget, or past the pool
 * that all parses under way share, and the parse ends with an error instead of the
 * memory. Other threads, and everything outside a budgeted parse, allocate as usual. */
#ifndef LOYALTYD_JSON_BUDGET_H
#define LOYALTYD_JSON_BUDGET_H

#include <jansson.h>
#include <stddef.h>

/* How many times the body's limit one parse may hold in memory: a typical event batch
 * takes about 9 times its bytes. */
#define JSON_BUDGET_FACTOR 12

enum json_budget_result {
	JSON_BUDGET_OK,   /* parsed, or a syntax error (err says which) */
	JSON_BUDGET_OVER, /* the parse needed more than its budget (413) */
	JSON_BUDGET_BUSY, /* the parses under way hold the whole pool (503, retry) */
};

/* Installs the counting allocator (json_set_alloc_funcs) with the pool shared by the
 * parses under way (LOYALTYD_JSON_MEMORY_BYTES); once, before any JSON is made. */
void json_budget_install(size_t pool_bytes);

/* json_loadb() holding at most budget bytes, from the pool, while it parses (without the
 * allocator installed: no bound). On NULL, *result tells whether memory was the reason. */
json_t *json_budget_loadb(const char *data, size_t len, size_t flags, size_t budget,
                          json_error_t *err, enum json_budget_result *result);

#endif
