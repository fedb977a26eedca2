/* handlers.h - route handlers: HTTP ↔ domain only. Each reads the request (request.h),
 * calls a store, and answers exactly once (http.h, problem.h). Grouped by resource:
 * handlers_system.c, handlers_keys.c, handlers_tenants.c. */
#ifndef LOYALTYD_HANDLERS_H
#define LOYALTYD_HANDLERS_H

#include "request.h"

int handle_healthz(struct request *req);
int handle_readyz(struct request *req);
int handle_metrics(struct request *req);
int handle_openapi(struct request *req);

int handle_tenant_create(struct request *req);

int handle_key_create(struct request *req);
int handle_key_list(struct request *req);
int handle_key_revoke(struct request *req);

/* Parses ?limit= (1..1000, default 100) and ?cursor= (digits). Returns 0, or 1 after
 * queuing a 400 naming the parameter. */
int handlers_page_params(struct request *req, int *limit, const char **cursor);

#endif
