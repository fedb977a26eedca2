/* handlers_coupons.c - coupons at the shop's checkout (GET /v1/coupons/{code}, POST
 * /v1/coupons/{code}/use) and a customer's coupons (GET
 * /v1/customers/{external_id}/coupons). Codes are matched without regard to case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "base/json_util.h"
#include "domain/coupon_code.h"
#include "domain/validate.h"
#include "http/body_json.h"
#include "http/http.h"
#include "http/problem.h"
#include "http/router.h"
#include "store/store_coupons.h"

#define NO_COUPON "no such coupon"

/* The code of the path, upper-cased into out; NULL after a 404 for one that cannot be. */
static const char *path_code(struct request *req, char out[COUPON_CODE_MAX + 1])
{
	const char *code = router_param(&req->match, "code");
	if (!code || coupon_code_normalize(code, out) != NULL) {
		problem_reply(req, 404, "not-found", NO_COUPON);
		return NULL;
	}
	return out;
}

enum step handle_coupon_get(struct request *req)
{
	char buf[COUPON_CODE_MAX + 1], *json = NULL;
	const char *code = path_code(req, buf);
	if (!code)
		return STEP_ANSWERED;
	enum db_status st = coupons_get(req->app->pool, req->who.tenant_id, code, &json);
	if (st != DB_OK)
		return problem_db(req, st);
	if (!json)
		return problem_reply(req, 404, "not-found", NO_COUPON);
	return handlers_reply_json_text(req, 200, json);
}

/* A 409 about coupon (JSON text, freed) naming pointer. */
static enum step conflict(struct request *req, const char *slug, const char *pointer,
                          const char *message, char *coupon)
{
	json_t *errors = json_array();
	json_error_add(errors, pointer, message);
	json_t *p = problem_new(409, slug, message, errors);
	json_t *c = coupon ? json_loads(coupon, 0, NULL) : NULL;
	free(coupon);
	if (c)
		json_object_set_new(p, "coupon", c);
	return http_reply_json_type(req, 409, p, "application/problem+json");
}

enum step handle_coupon_use(struct request *req)
{
	static const char *const fields[] = {"order_id", "customer_id", NULL};
	char buf[COUPON_CODE_MAX + 1], *json = NULL, msg[240];
	enum coupon_use_outcome outcome = COUPON_USE_NO_COUPON;
	enum step rc;
	const char *code = path_code(req, buf);
	json_t *errors, *body = code ? handlers_body(req, fields, &errors) : NULL;
	if (!body)
		return STEP_ANSWERED;
	const char *order = NULL, *customer = NULL;
	if (json_is_object(body)) {
		order = validate_string(body, "order_id", "", 1, 128, true, errors);
		customer = validate_string(body, "customer_id", "", 1, 128, false, errors);
	}
	if (json_array_size(errors) > 0) {
		rc = problem_invalid(req, errors);
		goto out;
	}
	json_decref(errors);
	enum db_status st =
	    coupons_use(req->app->pool, req->who.tenant_id, code, order, customer, &outcome, &json);
	if (st != DB_OK) {
		rc = problem_db(req, st);
	} else if (outcome == COUPON_USE_NO_COUPON) {
		rc = problem_reply(req, 404, "not-found", NO_COUPON);
	} else if (outcome == COUPON_USE_DONE || outcome == COUPON_USE_REPEATED) {
		rc = handlers_reply_json_text(req, 200, json);
	} else if (outcome == COUPON_USE_OTHER_CUSTOMER) {
		rc = conflict(req, "coupon-of-another-customer", "/customer_id",
		              "the coupon was issued to another customer", json);
	} else if (outcome == COUPON_USE_USED) {
		json_t *c = json_loads(json, 0, NULL);
		const char *order_was = json_string_value(json_object_get(c, "order_id"));
		const char *at = json_string_value(json_object_get(c, "used_at"));
		snprintf(msg, sizeof(msg), "the coupon was used already, for order %s at %s",
		         order_was ? order_was : "?", at ? at : "?");
		json_decref(c);
		rc = conflict(req, "coupon-used", "/order_id", msg, json);
	} else {
		rc = conflict(req, "coupon-expired", "/order_id",
		              "the coupon expired before it was used", json);
	}
out:
	json_decref(body);
	return rc;
}

enum step handle_customer_coupons(struct request *req)
{
	return handlers_customer_page(req, "coupons", CUSTOMER_LIST_COUPONS);
}
