/* handlers_rewards.c - the rewards catalogue (POST/GET /v1/rewards, GET/PATCH/DELETE
 * /v1/rewards/{id}) and redemptions (POST
 * /v1/customers/{external_id}/rewards/{reward_id}/redeem): the points spent and the coupon
 * issued in one statement (store/store_rewards.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "base/json_util.h"
#include "domain/reward_input.h"
#include "domain/validate.h"
#include "http/body_json.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_rewards.h"

#define NO_REWARD "no such reward"

/* The reply to a write the store refused (or made: status with its JSON). */
static enum step reply_written(struct request *req, enum db_status st, enum reward_refusal why,
                               char *json, int status, long long issued)
{
	char msg[96];
	if (st != DB_OK)
		return problem_db(req, st);
	switch (why) {
	case REWARD_FULL:
		return problem_reply(req, 409, "conflict",
		                     "the catalogue has 1,000 rewards: delete or reuse one first");
	case REWARD_UNKNOWN_TIER:
		return problem_invalid_field(
		    req, "/tier", "is not a tier of the programme in force (GET /v1/program)");
	case REWARD_GONE:
		return problem_reply(req, 404, "not-found", NO_REWARD);
	case REWARD_CHANGED:
		return problem_reply(
		    req, 409, "conflict",
		    "the reward changed while this change was made: send it again");
	case REWARD_STOCK_BELOW:
		snprintf(msg, sizeof(msg),
		         "must be at least the %lld coupons issued already, or null", issued);
		return problem_invalid_field(req, "/stock", msg);
	case REWARD_WRITTEN:
		break;
	}
	if (!json)
		return STEP_FAILED;
	if (status == 201) {
		json_t *out = json_loads(json, 0, NULL);
		char location[64];
		snprintf(location, sizeof(location), "/v1/rewards/%s",
		         json_string_value(json_object_get(out, "id")));
		json_decref(out);
		http_header_add(req, "Location", location);
	}
	return handlers_reply_json_text(req, status, json);
}

enum step handle_reward_create(struct request *req)
{
	struct reward_input in;
	char *json = NULL;
	enum reward_refusal why = REWARD_WRITTEN;
	enum step rc;
	json_t *errors, *body = handlers_body(req, reward_input_fields, &errors);
	if (!body)
		return STEP_ANSWERED;
	if (json_is_object(body))
		reward_input_parse(body, &in, errors);
	if (json_array_size(errors) > 0) {
		rc = problem_invalid(req, errors);
	} else {
		json_decref(errors);
		enum db_status st =
		    rewards_create(req->app->pool, req->who.tenant_id, &in, &json, &why);
		rc = reply_written(req, st, why, json, 201, 0);
	}
	json_decref(body);
	return rc;
}

enum step handle_reward_list(struct request *req)
{
	char *list = NULL;
	enum db_status st = rewards_list(req->app->pool, req->who.tenant_id, &list);
	if (st != DB_OK)
		return problem_db(req, st);
	json_t *data = list ? json_loads(list, 0, NULL) : NULL;
	free(list);
	if (!data)
		return STEP_FAILED;
	return http_reply_json(req, 200, json_pack("{s:o, s:n}", "data", data, "next_cursor"));
}

enum step handle_reward_get(struct request *req)
{
	char *json = NULL;
	const char *id = handlers_uuid(req, "id", NO_REWARD);
	if (!id)
		return STEP_ANSWERED;
	enum db_status st = rewards_get(req->app->pool, req->who.tenant_id, id, &json);
	if (st != DB_OK)
		return problem_db(req, st);
	if (!json)
		return problem_reply(req, 404, "not-found", NO_REWARD);
	return handlers_reply_json_text(req, 200, json);
}

/* The reward as read (its writable members) with the PATCH's members over it. */
static json_t *merged(const json_t *current, const json_t *patch)
{
	json_t *out = json_object();
	for (const char *const *f = reward_input_fields; *f; f++) {
		json_t *v = json_object_get(patch, *f);
		if (!v)
			v = json_object_get(current, *f);
		if (v)
			json_object_set(out, *f, v);
	}
	return out;
}

enum step handle_reward_patch(struct request *req)
{
	struct reward_input in;
	char *current = NULL, *json = NULL, updated_at[40];
	enum reward_refusal why = REWARD_WRITTEN;
	long long issued = 0;
	enum step rc;
	const char *id = handlers_uuid(req, "id", NO_REWARD);
	json_t *errors, *body = id ? handlers_body(req, reward_input_fields, &errors) : NULL;
	if (!body)
		return STEP_ANSWERED;
	if (json_array_size(errors) > 0) {
		rc = problem_invalid(req, errors);
		json_decref(body);
		return rc;
	}
	enum db_status st = rewards_get(req->app->pool, req->who.tenant_id, id, &current);
	if (st != DB_OK || !current) {
		json_decref(errors);
		json_decref(body);
		return st != DB_OK ? problem_db(req, st)
		                   : problem_reply(req, 404, "not-found", NO_REWARD);
	}
	json_t *was = json_loads(current, 0, NULL);
	free(current);
	const char *at = json_string_value(json_object_get(was, "updated_at"));
	snprintf(updated_at, sizeof(updated_at), "%s", at ? at : "");
	json_t *whole = merged(was, body);
	json_decref(was);
	reward_input_parse(whole, &in, errors);
	if (json_array_size(errors) > 0) {
		rc = problem_invalid(req, errors);
	} else {
		json_decref(errors);
		st = rewards_update(req->app->pool, req->who.tenant_id, id, updated_at, &in, &json,
		                    &why, &issued);
		rc = reply_written(req, st, why, json, 200, issued);
	}
	json_decref(whole);
	json_decref(body);
	return rc;
}

enum step handle_reward_delete(struct request *req)
{
	enum reward_delete_outcome outcome = REWARD_NOT_FOUND;
	const char *id = handlers_uuid(req, "id", NO_REWARD);
	if (!id)
		return STEP_ANSWERED;
	enum db_status st = rewards_delete(req->app->pool, req->who.tenant_id, id, &outcome);
	if (st != DB_OK)
		return problem_db(req, st);
	if (outcome == REWARD_NOT_FOUND)
		return problem_reply(req, 404, "not-found", NO_REWARD);
	if (outcome == REWARD_HAS_COUPONS)
		return problem_reply(req, 409, "reward-has-coupons",
		                     "the reward has issued coupons, which must stay answerable: "
		                     "disable it instead (PATCH {\"enabled\": false})");
	return http_reply_empty(req, 204);
}

/* The 409 of a redemption the reward, stock, limit or balance does not allow. */
static enum step refused(struct request *req, const struct redeem_result *r)
{
	char detail[200];
	const char *slug;
	json_t *extra = json_object();
	switch (r->outcome) {
	case REDEEM_NOT_AVAILABLE:
		slug = "reward-not-available";
		snprintf(detail, sizeof(detail),
		         "the reward is disabled, or outside its starts_at and ends_at");
		break;
	case REDEEM_TIER_REQUIRED:
		slug = "tier-required";
		snprintf(detail, sizeof(detail), "the reward is for tier %s and above", r->tier);
		json_object_set_new(extra, "tier", json_string(r->tier));
		break;
	case REDEEM_LIMIT_REACHED:
		slug = "limit-reached";
		snprintf(detail, sizeof(detail),
		         "the customer has redeemed this reward %lld times, its per_customer_limit",
		         r->figure);
		json_object_set_new(extra, "per_customer_limit", json_integer(r->figure));
		break;
	case REDEEM_OVER_BALANCE:
		slug = "insufficient-points";
		snprintf(detail, sizeof(detail), "only %lld points are available", r->figure);
		json_object_set_new(extra, "available", json_integer(r->figure));
		break;
	case REDEEM_NO_CODES:
		slug = "out-of-stock";
		snprintf(
		    detail, sizeof(detail),
		    "the reward's pool of codes is empty: add codes (POST /v1/rewards/{id}/codes)");
		break;
	default:
		slug = "out-of-stock";
		snprintf(detail, sizeof(detail), "the reward's stock is used up");
		break;
	}
	json_t *p = problem_new(409, slug, detail, NULL);
	json_object_update(p, extra);
	json_decref(extra);
	return http_reply_json_type(req, 409, p, "application/problem+json");
}

enum step handle_reward_redeem(struct request *req)
{
	static const char *const none[] = {NULL};
	struct redeem_result r;
	const char *customer = handlers_external_id(req, "external_id");
	const char *reward = customer ? handlers_uuid(req, "reward_id", NO_REWARD) : NULL;
	if (!reward)
		return STEP_ANSWERED;
	if (req->body.len > 0) { /* an empty object may come with a client's Content-Type */
		json_t *errors, *body = handlers_body(req, none, &errors);
		if (!body)
			return STEP_ANSWERED;
		json_decref(body);
		if (json_array_size(errors) > 0)
			return problem_invalid(req, errors);
		json_decref(errors);
	}
	enum db_status st =
	    rewards_redeem(req->app->pool, req->who.tenant_id, customer, reward, &r);
	enum step rc;
	if (st != DB_OK)
		rc = problem_db(req, st);
	else if (r.outcome == REDEEM_NO_CUSTOMER)
		rc = problem_reply(req, 404, "not-found", "no such customer");
	else if (r.outcome == REDEEM_NO_REWARD)
		rc = problem_reply(req, 404, "not-found", NO_REWARD);
	else if (r.outcome != REDEEM_DONE)
		rc = refused(req, &r);
	else {
		json_t *coupon = json_loads(r.coupon, 0, NULL),
		       *entry = json_loads(r.entry, 0, NULL);
		char location[96];
		snprintf(location, sizeof(location), "/v1/coupons/%s",
		         json_string_value(json_object_get(coupon, "code")));
		http_header_add(req, "Location", location);
		rc = http_reply_json(req, 201,
		                     json_pack("{s:o?, s:I, s:o?}", "coupon", coupon, "balance",
		                               (json_int_t)r.figure, "entry", entry));
	}
	free(r.coupon);
	free(r.entry);
	return rc;
}
