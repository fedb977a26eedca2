/* handlers_tenants.c - POST /v1/admin/tenants. */
#include "api/handlers.h"
#include "domain/validate.h"
#include "http/body_json.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_tenants.h"

enum step handle_tenant_create(struct request *req)
{
	static const char *const fields[] = {"name", NULL};
	json_t *body = http_body_json(req);
	json_t *errors = json_array(), *out = NULL;
	enum step rc;
	if (!body) {
		json_decref(errors);
		return STEP_ANSWERED;
	}
	const char *name = NULL;
	if (validate_object(body, "", errors)) {
		validate_known_fields(body, fields, "", errors);
		name = validate_string(body, "name", "", 1, 200, true, errors);
	}
	if (json_array_size(errors) > 0) {
		rc = problem_invalid(req, errors);
		goto out;
	}
	json_decref(errors);
	enum db_status st = tenants_create(req->app->pool, name, &out);
	rc = st == DB_OK ? http_reply_json(req, 201, out) : problem_db(req, st);
out:
	json_decref(body);
	return rc;
}
