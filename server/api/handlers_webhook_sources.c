/* handlers_webhook_sources.c - POST/GET /v1/webhook-sources, GET/DELETE
 * /v1/webhook-sources/{id}, POST /v1/webhook-sources/{id}/secrets and DELETE
 * /v1/webhook-sources/{id}/secrets/{secret_id}: the shops that post webhooks to a
 * tenant, and the rotation of their signing secrets. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "api/handlers.h"
#include "base/json_util.h"
#include "domain/validate.h"
#include "http/body_json.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_webhooks.h"

#define SECRET_MIN_CHARS 8
#define SECRET_MAX_CHARS 512

/* A Shopify shop is a host name (example.myshopify.com); a WooCommerce shop its URL. */
static void check_shop(const char *shop, enum webhook_kind kind, json_t *errors)
{
	size_t n = strlen(shop);
	bool ok = n <= WEBHOOK_SHOP_MAX;
	if (kind == WEBHOOK_SHOPIFY) {
		ok = ok && strchr(shop, '.') && shop[0] != '.' && shop[n - 1] != '.' &&
		     strspn(shop, "abcdefghijklmnopqrstuvwxyz0123456789.-") == n;
		if (!ok)
			json_error_add(errors, "/shop",
			               "must be the shop's domain in lower case, such as "
			               "example.myshopify.com");
		return;
	}
	bool scheme = strncmp(shop, "https://", 8) == 0 || strncmp(shop, "http://", 7) == 0;
	for (size_t i = 0; ok && i < n; i++)
		ok = (unsigned char)shop[i] > ' ' && shop[i] != 0x7f;
	if (!ok || !scheme || n <= 8)
		json_error_add(errors, "/shop",
		               "must be the shop's URL, such as https://shop.example.com");
}

/* The secret as the shop's admin shows it: 8 to 512 characters, no control characters. */
static const char *check_secret(const json_t *body, json_t *errors)
{
	const char *s =
	    validate_string(body, "secret", "", SECRET_MIN_CHARS, SECRET_MAX_CHARS, true, errors);
	for (size_t i = 0; s && s[i]; i++) {
		if ((unsigned char)s[i] < ' ' || s[i] == 0x7f) {
			json_error_add(errors, "/secret", "must not hold control characters");
			return NULL;
		}
	}
	return s;
}

enum step handle_webhook_source_create(struct request *req)
{
	static const char *const fields[] = {"kind", "shop", "secret", "count_test_orders", NULL};
	json_t *body = http_body_json(req), *errors, *source = NULL;
	enum webhook_kind kind = WEBHOOK_SHOPIFY;
	enum webhook_change change = WEBHOOK_DONE;
	enum step rc;
	if (!body)
		return STEP_ANSWERED;
	errors = handlers_errors();
	const char *shop = NULL, *secret = NULL;
	bool count_test_orders = false;
	if (validate_object(body, "", errors)) {
		validate_known_fields(body, fields, "", errors);
		const char *k = validate_string(body, "kind", "", 1, 32, true, errors);
		bool kind_ok = k && (strcmp(k, "shopify") == 0 || strcmp(k, "woocommerce") == 0);
		if (k && !kind_ok)
			json_error_add(errors, "/kind", "must be shopify or woocommerce");
		kind = k && strcmp(k, "woocommerce") == 0 ? WEBHOOK_WOOCOMMERCE : WEBHOOK_SHOPIFY;
		shop = validate_string(body, "shop", "", 1, WEBHOOK_SHOP_MAX, true, errors);
		if (shop && kind_ok)
			check_shop(shop, kind, errors);
		secret = check_secret(body, errors);
		json_t *test = json_object_get(body, "count_test_orders");
		if (test && !json_is_boolean(test))
			json_error_add(errors, "/count_test_orders", "must be true or false");
		count_test_orders = json_is_true(test);
	}
	if (json_array_size(errors) > 0) {
		rc = problem_invalid(req, errors);
		goto out;
	}
	json_decref(errors);
	enum db_status st = webhook_source_create(req->app->pool, req->who.tenant_id, kind, shop,
	                                          secret, count_test_orders, &change, &source);
	if (st != DB_OK) {
		rc = problem_db(req, st);
	} else if (change == WEBHOOK_EXISTS) {
		rc = problem_reply(req, 409, "conflict",
		                   "the tenant has a source of this kind already: add a secret to "
		                   "it to rotate, or delete it first");
	} else {
		char location[96];
		snprintf(location, sizeof(location), "/v1/webhook-sources/%s",
		         json_string_value(json_object_get(source, "id")));
		http_header_add(req, "Location", location);
		rc = http_reply_json(req, 201, source);
	}
out:
	json_decref(body);
	return rc;
}

enum step handle_webhook_source_list(struct request *req)
{
	json_t *list = NULL;
	enum db_status st = webhook_source_list(req->app->pool, req->who.tenant_id, &list);
	if (st != DB_OK)
		return problem_db(req, st);
	return http_reply_json(req, 200, json_pack("{s:o, s:n}", "data", list, "next_cursor"));
}

enum step handle_webhook_source_get(struct request *req)
{
	json_t *source = NULL;
	const char *id = handlers_uuid(req, "id", "no such webhook source");
	if (!id)
		return STEP_ANSWERED;
	enum db_status st = webhook_source_get(req->app->pool, req->who.tenant_id, id, &source);
	if (st != DB_OK)
		return problem_db(req, st);
	if (!source)
		return problem_reply(req, 404, "not-found", "no such webhook source");
	return http_reply_json(req, 200, source);
}

enum step handle_webhook_source_delete(struct request *req)
{
	bool found = false;
	const char *id = handlers_uuid(req, "id", "no such webhook source");
	if (!id)
		return STEP_ANSWERED;
	enum db_status st = webhook_source_delete(req->app->pool, req->who.tenant_id, id, &found);
	if (st != DB_OK)
		return problem_db(req, st);
	if (!found)
		return problem_reply(req, 404, "not-found", "no such webhook source");
	return http_reply_empty(req, 204);
}

enum step handle_webhook_secret_add(struct request *req)
{
	static const char *const fields[] = {"secret", NULL};
	json_t *body, *errors, *secret_json = NULL;
	enum webhook_change change = WEBHOOK_DONE;
	enum step rc;
	const char *id = handlers_uuid(req, "id", "no such webhook source");
	if (!id)
		return STEP_ANSWERED;
	body = http_body_json(req);
	if (!body)
		return STEP_ANSWERED;
	errors = handlers_errors();
	const char *secret = NULL;
	if (validate_object(body, "", errors)) {
		validate_known_fields(body, fields, "", errors);
		secret = check_secret(body, errors);
	}
	if (json_array_size(errors) > 0) {
		rc = problem_invalid(req, errors);
		goto out;
	}
	json_decref(errors);
	enum db_status st = webhook_secret_add(req->app->pool, req->who.tenant_id, id, secret,
	                                       &change, &secret_json);
	if (st != DB_OK)
		rc = problem_db(req, st);
	else if (change == WEBHOOK_NO_SOURCE)
		rc = problem_reply(req, 404, "not-found", "no such webhook source");
	else if (change == WEBHOOK_FULL)
		rc = problem_reply(req, 409, "conflict",
		                   "the source has two secrets: delete the old one first");
	else
		rc = http_reply_json(req, 201, secret_json);
out:
	json_decref(body);
	return rc;
}

enum step handle_webhook_secret_delete(struct request *req)
{
	enum webhook_change change = WEBHOOK_DONE;
	const char *id = handlers_uuid(req, "id", "no such webhook source");
	const char *secret_id = id ? handlers_uuid(req, "secret_id", "no such secret") : NULL;
	if (!secret_id)
		return STEP_ANSWERED;
	enum db_status st =
	    webhook_secret_delete(req->app->pool, req->who.tenant_id, id, secret_id, &change);
	if (st != DB_OK)
		return problem_db(req, st);
	if (change == WEBHOOK_NO_SOURCE)
		return problem_reply(req, 404, "not-found", "no such webhook source or secret");
	if (change == WEBHOOK_LAST)
		return problem_reply(req, 409, "conflict",
		                     "this is the source's only secret: add the new one first, or "
		                     "delete the source");
	return http_reply_empty(req, 204);
}
