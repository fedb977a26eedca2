/* handlers_reward_codes.c - the pool of coupon codes of a reward (POST and GET
 * /v1/rewards/{id}/codes): codes drawn at random in bulk ({"count", "length", "prefix"}),
 * or the shop's own codes imported from a CSV file (Content-Type: text/csv); a pool
 * reward's redemptions take them (store/store_coupons.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/handlers.h"
#include "base/json_util.h"
#include "domain/coupon_code.h"
#include "domain/coupon_pool.h"
#include "domain/validate.h"
#include "http/body_json.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_coupons.h"
#include "store/store_rewards.h"

#define NO_REWARD "no such reward"
#define DRAWS 3 /* sets of codes drawn before a clash with the tenant's codes is no chance */

static bool is_csv(struct request *req)
{
	const char *type = http_request_header(req, "Content-Type");
	return type && strncasecmp(type, "text/csv", 8) == 0 &&
	       (type[8] == '\0' || type[8] == ';' || type[8] == ' ');
}

/* count, length and prefix of a request to draw codes; the reward's own length and prefix
 * unless given. NULL after the reply. */
static json_t *draw_request(struct request *req, const char *reward_id, long *count, long *length,
                            char prefix[COUPON_PREFIX_MAX + 1])
{
	static const char *const fields[] = {"count", "length", "prefix", NULL};
	char *reward = NULL;
	json_t *errors, *body = handlers_body(req, fields, &errors);
	if (!body)
		return NULL;
	const json_t *c = json_object_get(body, "count"), *l = json_object_get(body, "length");
	const json_t *p = json_object_get(body, "prefix");
	if (json_is_object(body)) {
		if (!json_is_integer(c) || json_integer_value(c) < 1 ||
		    json_integer_value(c) > COUPON_POOL_MAX)
			json_error_add(errors, "/count",
			               "is required: a whole number from 1 to 100000");
		else
			*count = (long)json_integer_value(c);
		if (l && (!json_is_integer(l) || json_integer_value(l) < COUPON_RANDOM_MIN ||
		          json_integer_value(l) > COUPON_RANDOM_MAX))
			json_error_add(errors, "/length", "must be a whole number from 6 to 32");
		if (p && (!json_is_string(p) || !coupon_prefix_ok(json_string_value(p))))
			json_error_add(errors, "/prefix",
			               "must be 0 to 16 of the capitals A-Z, digits and '-'");
	}
	if (json_array_size(errors) > 0) {
		problem_invalid(req, errors);
		json_decref(body);
		return NULL;
	}
	json_decref(errors);
	enum db_status st = rewards_get(req->app->pool, req->who.tenant_id, reward_id, &reward);
	if (st != DB_OK || !reward) {
		if (st != DB_OK)
			problem_db(req, st);
		else
			problem_reply(req, 404, "not-found", NO_REWARD);
		json_decref(body);
		return NULL;
	}
	json_t *r = json_loads(reward, 0, NULL);
	free(reward);
	*length = l ? (long)json_integer_value(l)
	            : (long)json_integer_value(json_object_get(r, "code_length"));
	snprintf(prefix, COUPON_PREFIX_MAX + 1, "%s",
	         p ? json_string_value(p) : json_string_value(json_object_get(r, "code_prefix")));
	json_decref(r);
	return body;
}

static enum step draw(struct request *req, const char *reward_id)
{
	long count = 0, length = 0;
	char prefix[COUPON_PREFIX_MAX + 1];
	json_t *body = draw_request(req, reward_id, &count, &length, prefix);
	if (!body)
		return STEP_ANSWERED;
	json_decref(body);
	for (int attempt = 0; attempt < DRAWS; attempt++) {
		struct coupon_pool codes = {0};
		struct pool_added r;
		char *literal = NULL;
		if (coupon_pool_generate(&codes, (size_t)count, prefix, (size_t)length) != 0 ||
		    !(literal = coupon_pool_literal(&codes))) {
			coupon_pool_free(&codes);
			return STEP_FAILED;
		}
		enum db_status st = coupons_pool_add(req->app->pool, req->who.tenant_id, reward_id,
		                                     literal, true, &r);
		free(literal);
		free(r.clash_json);
		if (st != DB_OK || !r.found || r.clashes == 0) {
			enum step rc;
			if (st != DB_OK)
				rc = problem_db(req, st);
			else if (!r.found)
				rc = problem_reply(req, 404, "not-found", NO_REWARD);
			else {
				json_t *list = json_array();
				for (size_t i = 0; i < codes.n; i++)
					json_array_append_new(list, json_string(codes.codes[i]));
				rc = http_reply_json(req, 201,
				                     json_pack("{s:I, s:o, s:I}", "added",
				                               (json_int_t)r.added, "codes", list,
				                               "pool_available",
				                               (json_int_t)r.available));
			}
			coupon_pool_free(&codes);
			return rc;
		}
		coupon_pool_free(&codes); /* a code drawn exists: draw them all again */
	}
	return problem_reply(req, 409, "conflict",
	                     "the codes drawn kept meeting codes the shop has: use a longer "
	                     "length or another prefix");
}

static enum step import(struct request *req, const char *reward_id)
{
	struct coupon_pool codes = {0};
	struct pool_added r = {0};
	size_t repeated = 0;
	enum step rc;
	json_t *errors = json_array();
	char *literal = NULL;
	if (coupon_pool_from_csv(&codes, req->body.data, req->body.len, &repeated, errors) != 0) {
		rc = STEP_FAILED;
		goto out;
	}
	if (json_array_size(errors) == 0 && codes.n == 0)
		json_array_append_new(errors, json_pack("{s:i, s:s}", "line", 1, "message",
		                                        "the file holds no codes"));
	if (json_array_size(errors) > 0) {
		rc = http_reply_json_type(req, 422,
		                          problem_new(422, "validation",
		                                      "some lines of the CSV hold no valid code",
		                                      errors),
		                          "application/problem+json");
		errors = NULL;
		goto out;
	}
	if (!(literal = coupon_pool_literal(&codes))) {
		rc = STEP_FAILED;
		goto out;
	}
	enum db_status st =
	    coupons_pool_add(req->app->pool, req->who.tenant_id, reward_id, literal, false, &r);
	if (st != DB_OK) {
		rc = problem_db(req, st);
	} else if (!r.found) {
		rc = problem_reply(req, 404, "not-found", NO_REWARD);
	} else if (r.clashes > 0) {
		json_t *clash = json_loads(r.clash_json, 0, NULL), *v;
		size_t i;
		json_array_foreach (clash, i, v) {
			char msg[120];
			snprintf(msg, sizeof(msg), "the code %s belongs to another reward",
			         json_string_value(v));
			json_array_append_new(errors, json_pack("{s:I, s:s}", "line",
			                                        (json_int_t)coupon_pool_line_of(
			                                            &codes, json_string_value(v)),
			                                        "message", msg));
		}
		json_decref(clash);
		char detail[120];
		snprintf(detail, sizeof(detail),
		         "%lld codes belong to other rewards: nothing was imported", r.clashes);
		rc = http_reply_json_type(req, 422, problem_new(422, "validation", detail, errors),
		                          "application/problem+json");
		errors = NULL;
	} else {
		rc = http_reply_json(req, 201,
		                     json_pack("{s:I, s:I, s:I, s:I}", "added", (json_int_t)r.added,
		                               "already_in_pool",
		                               (json_int_t)((long long)codes.n - r.added),
		                               "repeated_lines", (json_int_t)repeated,
		                               "pool_available", (json_int_t)r.available));
	}
out:
	free(literal);
	free(r.clash_json);
	json_decref(errors);
	coupon_pool_free(&codes);
	return rc;
}

enum step handle_reward_codes_add(struct request *req)
{
	const char *id = handlers_uuid(req, "id", NO_REWARD);
	if (!id)
		return STEP_ANSWERED;
	return is_csv(req) ? import(req, id) : draw(req, id);
}

enum step handle_reward_codes_list(struct request *req)
{
	struct page_params p;
	const char *status = NULL;
	char *page = NULL;
	size_t len = 0;
	bool found = false;
	enum step rc;
	const char *id = handlers_uuid(req, "id", NO_REWARD);
	if (!id)
		return STEP_ANSWERED;
	if ((rc = handlers_id_page_params(req, "codes", NULL, &p)) != STEP_GO_ON)
		return rc;
	if (http_query(req, "status", &status) != 0 ||
	    (status && strcmp(status, "available") != 0 && strcmp(status, "issued") != 0 &&
	     strcmp(status, "used") != 0 && strcmp(status, "expired") != 0))
		return handlers_bad_parameter(req, "status",
		                              "must be available, issued, used or expired");
	enum db_status st =
	    coupons_pool_page(req->app->pool, req->who.tenant_id, id, status,
	                      p.cursor[0] ? p.cursor : NULL, p.limit, p.scope, &page, &len, &found);
	if (st != DB_OK)
		return problem_db(req, st);
	if (!found)
		return problem_reply(req, 404, "not-found", NO_REWARD);
	return http_reply_owned(req, 200, "application/json", page, len);
}
