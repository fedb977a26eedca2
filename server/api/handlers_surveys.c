/* handlers_surveys.c - /v1/surveys and their responses. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/handlers.h"
#include "base/json_util.h"
#include "base/timefmt.h"
#include "domain/response_input.h"
#include "domain/scope.h"
#include "domain/validate.h"
#include "http/body_json.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_identity.h"
#include "store/store_surveys.h"

#define SURVEY_FOLLOW_UPS_MAX 10

enum step handle_survey_create(struct request *req)
{
	static const char *const fields[] = {"name", "kind", "question", "follow_up_questions",
	                                     NULL};
	json_t *body = http_body_json(req);
	json_t *errors;
	char *follow_text = NULL, *json = NULL;
	enum step rc;
	if (!body)
		return STEP_ANSWERED;
	errors = handlers_errors();
	const char *name = NULL, *kind = NULL, *question = NULL;
	json_t *follow = NULL;
	if (validate_object(body, "", errors)) {
		validate_known_fields(body, fields, "", errors);
		name = validate_string(body, "name", "", 1, 200, true, errors);
		kind = validate_string(body, "kind", "", 1, 8, true, errors);
		if (kind && strcmp(kind, "nps") != 0 && strcmp(kind, "csat") != 0)
			json_error_add(errors, "/kind", "must be nps or csat");
		question = validate_string(body, "question", "", 1, 500, true, errors);
		follow = json_object_get(body, "follow_up_questions");
		if (follow && !json_is_null(follow)) {
			size_t i;
			json_t *q;
			if (!json_is_array(follow) ||
			    json_array_size(follow) > SURVEY_FOLLOW_UPS_MAX)
				json_error_add(errors, "/follow_up_questions",
				               "must be an array of at most 10 questions");
			else
				json_array_foreach (follow, i, q) {
					char ptr[48];
					snprintf(ptr, sizeof(ptr), "/follow_up_questions/%zu", i);
					size_t n = json_is_string(q)
					               ? validate_utf8_chars(json_string_value(q))
					               : 0;
					if (n < 1 || n > 500)
						json_error_add(
						    errors, ptr,
						    "must be a question of 1 to 500 characters");
				}
		}
	}
	if (json_array_size(errors) > 0) {
		rc = problem_invalid(req, errors);
		goto out;
	}
	json_decref(errors);
	follow_text = follow && json_is_array(follow) ? json_dumps(follow, JSON_COMPACT) : NULL;
	enum db_status st = surveys_create(req->app->pool, req->who.tenant_id, kind, name, question,
	                                   follow_text ? follow_text : "[]", &json);
	rc = st == DB_OK ? handlers_reply_json_text(req, 201, json) : problem_db(req, st);
out:
	free(follow_text);
	json_decref(body);
	return rc;
}

enum step handle_survey_list(struct request *req)
{
	struct page_params p;
	char *page = NULL;
	size_t len = 0;
	enum step rc = handlers_id_page_params(req, "surveys", NULL, &p);
	if (rc != STEP_GO_ON)
		return rc;
	enum db_status st =
	    surveys_list(req->app->pool, req->who.tenant_id, p.cursor[0] ? p.cursor : NULL, p.limit,
	                 p.scope, &page, &len);
	if (st != DB_OK)
		return problem_db(req, st);
	return http_reply_owned(req, 200, "application/json", page, len);
}

/* Finds the survey of the path; NULL after queuing the reply when there is none. */
static const char *find_survey(struct request *req, char **json, struct survey_info *info)
{
	const char *id = handlers_uuid(req, "id", "no such survey");
	if (!id)
		return NULL;
	enum db_status st = surveys_get(req->app->pool, req->who.tenant_id, id, json, info);
	if (st != DB_OK) {
		problem_db(req, st);
		return NULL;
	}
	if (!*json) {
		problem_reply(req, 404, "not-found", "no such survey");
		return NULL;
	}
	return id;
}

enum step handle_survey_get(struct request *req)
{
	char *json = NULL;
	if (!find_survey(req, &json, NULL))
		return req->status ? STEP_ANSWERED : STEP_FAILED;
	return handlers_reply_json_text(req, 200, json);
}

/* An answer naming a customer through a key a web page may hold (no ingest scope) must
 * prove that customer when the tenant requires it (identity.h). Returns 0 to go on, or 1
 * (-1) after queuing the refusal. */
static enum step check_identity(struct request *req, const struct response_input *in)
{
	struct identity_secrets keys;
	if (!in->customer_id || (req->who.scopes & SCOPE_INGEST))
		return STEP_GO_ON;
	enum db_status st = identity_secrets_required(req->app->pool, req->who.tenant_id, &keys);
	if (st != DB_OK)
		return problem_db(req, st);
	enum identity_verdict v = identity_verify(&keys, in->customer_id, in->customer_hash);
	OPENSSL_cleanse(&keys, sizeof(keys));
	if (v == IDENTITY_NOT_REQUIRED || v == IDENTITY_PROVEN)
		return STEP_GO_ON;
	enum step rc = problem_invalid_field(
	    req, "/customer_hash",
	    v == IDENTITY_WRONG ? "does not match customer_id"
	                        : "is required: this shop verifies the customer of "
	                          "answers sent from web pages");
	return rc;
}

/* How far ahead of the server's clock an answer sent with a respond key may be dated. */
#define RESPONSE_CLOCK_SKEW_US (300LL * 1000000)

enum step handle_response_create(struct request *req)
{
	char *survey = NULL, *json = NULL;
	struct survey_info info;
	struct response_input in;
	enum step rc;
	const char *id = find_survey(req, &survey, &info);
	free(survey);
	if (!id)
		return req->status ? STEP_ANSWERED : STEP_FAILED;
	json_t *body = http_body_json(req);
	if (!body)
		return STEP_ANSWERED;
	json_t *errors = handlers_errors();
	if (response_input_parse(body, &info, &in, errors) != 0) {
		rc = problem_invalid(req, errors);
		goto out;
	}
	json_decref(errors);
	if (!(req->who.scopes & SCOPE_INGEST) && in.responded_at[0] &&
	    in.responded_us > (int64_t)time(NULL) * 1000000 + RESPONSE_CLOCK_SKEW_US) {
		/* a key in a public page must not plant answers in the future (they would sit at
		 * the top of every list and report to come) */
		rc = problem_invalid_field(req, "/responded_at",
		                           "must not be in the future (at most 5 minutes ahead)");
		goto out;
	}
	if ((rc = check_identity(req, &in)) != STEP_GO_ON) {
		goto out;
	}
	enum response_outcome outcome;
	enum db_status st = responses_create(req->app->pool, req->who.tenant_id, id, info.kind, &in,
	                                     &outcome, &json);
	if (st != DB_OK)
		rc = problem_db(req, st);
	else if (outcome == RESPONSE_CONFLICT)
		rc = problem_reply(req, 409, "response-id-in-use",
		                   "another answer was stored with this id; send a new id");
	else
		rc = handlers_reply_json_text(req, outcome == RESPONSE_STORED ? 201 : 200, json);
out:
	free(in.answers);
	json_decref(body);
	return rc;
}

enum step handle_response_list(struct request *req)
{
	struct time_page_params t;
	struct response_filter f = {0};
	struct survey_info info;
	char *survey = NULL, *page = NULL;
	const char *category = NULL;
	size_t len = 0;
	enum step rc;
	const char *id = find_survey(req, &survey, &info);
	free(survey);
	if (!id)
		return req->status ? STEP_ANSWERED : STEP_FAILED;
	if ((rc = handlers_time_page_params(req, "responses", &t)) != STEP_GO_ON)
		return rc;
	if (http_query(req, "category", &category) != 0)
		return handlers_bad_parameter(req, "category", "is malformed");
	if (category) {
		if (strcmp(info.kind, "nps") != 0)
			return handlers_bad_parameter(req, "category",
			                              "applies to NPS surveys only");
		if (strcmp(category, "promoter") == 0)
			f.score_min = "9";
		else if (strcmp(category, "passive") == 0)
			f.score_min = "7", f.score_max = "8";
		else if (strcmp(category, "detractor") == 0)
			f.score_max = "6";
		else
			return handlers_bad_parameter(req, "category",
			                              "must be promoter, passive or detractor");
	}
	if (http_query(req, "has_comment", &f.has_comment) != 0 ||
	    (f.has_comment && strcmp(f.has_comment, "true") != 0 &&
	     strcmp(f.has_comment, "false") != 0))
		return handlers_bad_parameter(req, "has_comment", "must be true or false");
	if (http_query(req, "channel", &f.channel) != 0 || (f.channel && strlen(f.channel) > 16))
		return handlers_bad_parameter(req, "channel", "is malformed");
	if (http_query(req, "q", &f.q) != 0 || (f.q && (!validate_utf8(f.q) || strlen(f.q) > 400)))
		return handlers_bad_parameter(req, "q", "must be UTF-8 text of at most 400 bytes");
	if ((rc = handlers_time_page(req, &t, &f.page)) != STEP_GO_ON)
		return rc;
	enum db_status st =
	    responses_list(req->app->pool, req->who.tenant_id, id, info.kind, &f, &page, &len);
	if (st != DB_OK)
		return problem_db(req, st);
	return http_reply_owned(req, 200, "application/json", page, len);
}
