/* handlers_keys.c - POST/GET /v1/keys, DELETE /v1/keys/{id}. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "http/body_json.h"
#include "http/http.h"
#include "store/keycache.h"

#include "base/json_util.h"
#include "domain/scope.h"
#include "domain/validate.h"
#include "http/problem.h"
#include "store/store_keys.h"

static unsigned parse_scopes(const json_t *body, json_t *errors)
{
	json_t *arr = json_object_get(body, "scopes");
	unsigned scopes = 0;
	size_t i;
	json_t *v;
	if (!arr) {
		json_error_add(errors, "/scopes", "is required");
		return 0;
	}
	if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > 5) {
		json_error_add(errors, "/scopes",
		               "must be a non-empty array of respond, ingest, read, points, admin");
		return 0;
	}
	json_array_foreach (arr, i, v) {
		char ptr[32];
		unsigned bit = json_is_string(v) ? scope_from_name(json_string_value(v)) : 0;
		snprintf(ptr, sizeof(ptr), "/scopes/%zu", i);
		if (!bit)
			json_error_add(errors, ptr,
			               "must be one of respond, ingest, read, points, admin");
		else if (scopes & bit)
			json_error_add(errors, ptr, "is listed twice");
		scopes |= bit;
	}
	return scopes;
}

enum step handle_key_create(struct request *req)
{
	static const char *const fields[] = {"name", "scopes", NULL};
	json_t *body = http_body_json(req);
	json_t *errors = json_array();
	struct key_spec spec = {.tenant_id = req->who.tenant_id};
	json_t *key = NULL;
	enum step rc;
	if (!body) {
		json_decref(errors);
		return STEP_ANSWERED;
	}
	if (validate_object(body, "", errors)) {
		validate_known_fields(body, fields, "", errors);
		spec.name = validate_string(body, "name", "", 1, 100, true, errors);
		spec.scopes = parse_scopes(body, errors);
	}
	if (json_array_size(errors) > 0) {
		rc = problem_invalid(req, errors);
		goto out;
	}
	json_decref(errors);
	enum db_status st = keys_create(req->app->pool, &spec, &key);
	if (st != DB_OK) {
		rc = problem_db(req, st);
		goto out;
	}
	char location[80];
	snprintf(location, sizeof(location), "/v1/keys/%s",
	         json_string_value(json_object_get(key, "id")));
	http_header_add(req, "Location", location);
	rc = http_reply_json(req, 201, key);
out:
	json_decref(body);
	return rc;
}

enum step handle_key_list(struct request *req)
{
	struct page_params p;
	json_t *page = NULL;
	enum step rc = handlers_id_page_params(req, "keys", NULL, &p);
	if (rc != STEP_GO_ON)
		return rc;
	enum db_status st = keys_list(req->app->pool, req->who.tenant_id,
	                              p.cursor[0] ? p.cursor : NULL, p.limit, p.scope, &page);
	return st == DB_OK ? http_reply_json(req, 200, page) : problem_db(req, st);
}

enum step handle_key_revoke(struct request *req)
{
	const char *id = handlers_uuid(req, "id", "no such key");
	bool found = false;
	if (!id)
		return STEP_ANSWERED;
	enum db_status st = keys_revoke(req->app->pool, req->who.tenant_id, id, &found);
	if (st != DB_OK)
		return problem_db(req, st);
	/* Our own cache at once; other processes on the NOTIFY the revocation sent. */
	keycache_clear();
	if (!found)
		return problem_reply(req, 404, "not-found", "no such key");
	return http_reply_empty(req, 204);
}
