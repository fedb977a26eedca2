/* handlers_identity.c - GET/PUT /v1/identity-verification, POST
 * /v1/identity-verification/secrets and DELETE /v1/identity-verification/secrets/{id}:
 * whether answers from web pages must prove their customer (identity.h), and the secrets
 * a shop's backend proves it with. */
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "base/json_util.h"
#include "domain/validate.h"
#include "http/body_json.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_identity.h"

enum step handle_identity_get(struct request *req)
{
	char *json = NULL;
	enum db_status st = identity_settings_get(req->app->pool, req->who.tenant_id, &json);
	if (st != DB_OK)
		return problem_db(req, st);
	return handlers_reply_json_text(req, 200, json);
}

enum step handle_identity_put(struct request *req)
{
	static const char *const fields[] = {"required", NULL};
	enum identity_change change = IDENTITY_DONE;
	char *json = NULL;
	enum step rc;
	json_t *errors, *body = handlers_body(req, fields, &errors);
	if (!body)
		return STEP_ANSWERED;
	if (json_is_object(body)) {
		if (!json_is_boolean(json_object_get(body, "required")))
			json_error_add(errors, "/required", "is required: true or false");
	}
	if (json_array_size(errors) > 0) {
		rc = problem_invalid(req, errors);
		goto out;
	}
	json_decref(errors);
	enum db_status st =
	    identity_required_set(req->app->pool, req->who.tenant_id,
	                          json_is_true(json_object_get(body, "required")), &change, &json);
	if (st != DB_OK)
		rc = problem_db(req, st);
	else if (change == IDENTITY_NO_SECRET)
		rc = problem_invalid_field(
		    req, "/required",
		    "needs a secret first: POST /v1/identity-verification/secrets");
	else
		rc = handlers_reply_json_text(req, 200, json);
out:
	json_decref(body);
	return rc;
}

enum step handle_identity_secret_add(struct request *req)
{
	enum identity_change change = IDENTITY_DONE;
	char *json = NULL;
	enum db_status st = identity_secret_add(req->app->pool, req->who.tenant_id, &change, &json);
	if (st != DB_OK)
		return problem_db(req, st);
	if (change == IDENTITY_FULL)
		return problem_reply(req, 409, "conflict",
		                     "the tenant has two secrets: delete the old one first");
	return handlers_reply_json_text(req, 201, json);
}

enum step handle_identity_secret_delete(struct request *req)
{
	enum identity_change change = IDENTITY_DONE;
	const char *id = handlers_uuid(req, "id", "no such secret");
	if (!id)
		return STEP_ANSWERED;
	enum db_status st = identity_secret_delete(req->app->pool, req->who.tenant_id, id, &change);
	if (st != DB_OK)
		return problem_db(req, st);
	if (change == IDENTITY_NOT_FOUND)
		return problem_reply(req, 404, "not-found", "no such secret");
	if (change == IDENTITY_LAST)
		return problem_reply(
		    req, 409, "conflict",
		    "this is the only secret and verification is required: add the "
		    "new one first, or stop requiring verification");
	return http_reply_empty(req, 204);
}
