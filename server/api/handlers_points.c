/* handlers_points.c - /v1/customers/{external_id}/points: balance, history, earn, redeem,
 * adjust. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "base/json_util.h"
#include "domain/points.h"
#include "domain/validate.h"
#include "http/body_json.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_points.h"

#define POINTS_MAX 1000000000LL

static json_t *figures_json(const struct points_figures *f, const char *program_text)
{
	json_t *program = program_text ? json_loads(program_text, 0, NULL) : NULL;
	char cash[40] = "0.00";
	const char *pv = json_string_value(json_object_get(program, "point_value"));
	if (pv && points_cash_value(f->balance, pv, cash) != 0)
		snprintf(cash, sizeof(cash), "0.00");
	json_t *out = json_pack(
	    "{s:I, s:o, s:o, s:o, s:I, s:I, s:o, s:s, s:o}", "balance", (json_int_t)f->balance,
	    "tier", f->tier[0] ? json_string(f->tier) : json_null(), "next_tier",
	    f->next_tier[0] ? json_string(f->next_tier) : json_null(), "points_to_next_tier",
	    f->next_tier[0] ? json_integer(f->points_to_next) : json_null(), "lifetime_earned",
	    (json_int_t)f->lifetime_earned, "lifetime_redeemed", (json_int_t)f->lifetime_redeemed,
	    "expiring",
	    f->expiring_at[0] ? json_pack("{s:I, s:s}", "points", (json_int_t)f->expiring_points,
	                                  "at", f->expiring_at)
	                      : json_null(),
	    "cash_value", cash, "currency",
	    json_object_get(program, "currency") ? json_copy(json_object_get(program, "currency"))
	                                         : json_null());
	json_decref(program);
	return out;
}

enum step handle_points_get(struct request *req)
{
	const char *id = handlers_external_id(req, "external_id");
	struct points_figures f;
	char *program = NULL;
	bool found = false;
	if (!id)
		return STEP_ANSWERED;
	enum db_status st =
	    points_read(req->app->pool, req->who.tenant_id, id, &found, &f, &program);
	if (st != DB_OK)
		return problem_db(req, st);
	if (!found)
		return problem_reply(req, 404, "not-found", "no such customer");
	json_t *out = figures_json(&f, program);
	free(program);

	json_object_set_new(out, "customer_id", json_string(id));
	return http_reply_json(req, 200, out);
}

enum step handle_points_history(struct request *req)
{
	return handlers_customer_page(req, "points", CUSTOMER_LIST_POINTS);
}

static enum step change(struct request *req, enum points_op op)
{
	static const char *const fields[] = {"points", "reason", "reference", NULL};
	const char *id = handlers_external_id(req, "external_id");
	struct points_change ch = {.op = op};
	long long balance = 0;
	enum points_outcome outcome;
	long long min_redeem = 0;
	char *entry = NULL;
	enum step rc;
	json_t *errors, *body = id ? handlers_body(req, fields, &errors) : NULL;
	if (!body)
		return STEP_ANSWERED;
	if (json_is_object(body)) {
		json_t *pts = json_object_get(body, "points");
		long long lo = op == POINTS_ADJUST ? -POINTS_MAX : 1;
		if (!pts)
			json_error_add(errors, "/points", "is required");
		else if (!json_is_integer(pts) || json_integer_value(pts) < lo ||
		         json_integer_value(pts) > POINTS_MAX || json_integer_value(pts) == 0)
			json_error_add(
			    errors, "/points",
			    op == POINTS_ADJUST
			        ? "must be a whole number from -1000000000 to 1000000000, not 0"
			        : "must be a whole number from 1 to 1000000000");
		else
			ch.points = (long long)json_integer_value(pts);
		ch.reason =
		    validate_string(body, "reason", "", 1, 200, op == POINTS_ADJUST, errors);
		ch.reference = validate_string(body, "reference", "", 1, 128, false, errors);
	}
	if (json_array_size(errors) > 0) {
		rc = problem_invalid(req, errors);
		goto out;
	}
	json_decref(errors);
	enum db_status st = points_apply(req->app->pool, req->who.tenant_id, id, &ch, &outcome,
	                                 &entry, &balance, &min_redeem);
	if (st != DB_OK) {
		rc = problem_db(req, st);
	} else if (outcome == POINTS_NO_CUSTOMER) {
		rc = problem_reply(req, 404, "not-found", "no such customer");
	} else if (outcome != POINTS_DONE) {
		char detail[160];
		if (outcome == POINTS_UNDER_MIN)
			snprintf(detail, sizeof(detail),
			         "at least %lld points must be redeemed at once", min_redeem);
		else
			snprintf(detail, sizeof(detail), "only %lld points are available", balance);
		json_t *p = problem_new(
		    409, outcome == POINTS_UNDER_MIN ? "under-min-redeem" : "insufficient-points",
		    detail, NULL);
		json_object_set_new(p, "available", json_integer(balance));
		if (outcome == POINTS_UNDER_MIN)
			json_object_set_new(p, "min_redeem", json_integer(min_redeem));
		rc = http_reply_json_type(req, 409, p, "application/problem+json");
	} else {
		json_t *out = json_loads(entry, 0, NULL);
		json_object_set_new(out, "balance", json_integer(balance));
		rc = http_reply_json(req, 201, out);
	}
	free(entry);
out:
	json_decref(body);
	return rc;
}

enum step handle_points_earn(struct request *req)
{
	return change(req, POINTS_EARN);
}

enum step handle_points_redeem(struct request *req)
{
	return change(req, POINTS_REDEEM);
}

enum step handle_points_adjust(struct request *req)
{
	return change(req, POINTS_ADJUST);
}
