/* handlers_system.c - health, readiness, metrics and the OpenAPI document. */
#include <stdio.h>
#include <string.h>

#include "api/handlers.h"
#include "base/embedded.h"
#include "http/http.h"
#include "http/metrics.h"
#include "http/problem.h"
#include "store/migrate.h"
#include "store/store_system.h"

enum step handle_healthz(struct request *req)
{
	static const char body[] = "{\"status\":\"ok\"}";
	return http_reply_static(req, 200, "application/json", body, sizeof(body) - 1);
}

enum step handle_readyz(struct request *req)
{
	long version = -1;
	char detail[128];
	enum db_status st = system_schema_version(req->app->pool, &version);
	if (st != DB_OK) {
		http_header_add(req, "Retry-After", "1");
		return problem_reply(req, 503, "not-ready", "the database is not reachable");
	}
	if (version != migrate_latest_version()) {
		snprintf(detail, sizeof(detail), "the schema is at version %ld, loyaltyd needs %d",
		         version, migrate_latest_version());
		http_header_add(req, "Retry-After", "5");
		return problem_reply(req, 503, "not-ready", detail);
	}
	return http_reply_json(
	    req, 200, json_pack("{s:s, s:i}", "status", "ready", "schema_version", (int)version));
}

enum step handle_metrics(struct request *req)
{
	size_t len = 0;
	char *text = metrics_render(req->app, &len);
	if (!text)
		return STEP_FAILED;
	return http_reply_owned(req, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
}

enum step handle_openapi(struct request *req)
{
	return http_reply_static(req, 200, "application/yaml", embedded_openapi.data,
	                         embedded_openapi.len);
}
