/* handlers_event_endpoints.c - the endpoints a tenant's outbound events go to
 * (POST/GET /v1/event-endpoints, GET/PATCH/DELETE /v1/event-endpoints/{id}), the rotation
 * of their signing secrets, their messages (list, retry, replay, test), and the settings
 * of the daily evaluation (GET/PUT /v1/event-settings). Delivery is the dispatcher's
 * (jobs/outbound.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/handlers.h"
#include "base/json_util.h"
#include "base/sbuf.h"
#include "base/timefmt.h"
#include "domain/net_address.h"
#include "domain/outbound_types.h"
#include "domain/standard_webhooks.h"
#include "domain/validate.h"
#include "http/body_json.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_endpoints.h"

#define DESCRIPTION_MAX_CHARS 500
#define OVERLAP_MAX_HOURS 168 /* a week */
#define NO_ENDPOINT "no such event endpoint"

/* What POST or PATCH sent, checked. Absent members stay NULL (PATCH keeps them). */
struct endpoint_input {
	const char *url;
	bool has_types;                      /* event_types was sent */
	char types[OUTBOUND_TYPES_MAX * 32]; /* its text[] literal; "" for null (every type) */
	const char *enabled;                 /* "true", "false" or NULL */
	const char *description;
	const char *secret;
};

/* The URL of an endpoint: https (http too with LOYALTYD_OUTBOUND_ALLOW_PRIVATE=1), whose
 * host resolves to public addresses only (unless allowed), at most 2048 bytes. */
static void check_url(const struct config *cfg, const char *url, json_t *errors)
{
	struct net_url u;
	char pin[NET_ADDR_TEXT], why[160];
	const char *bad = net_url_parse(url, &u);
	if (bad)
		json_error_add(errors, "/url", bad);
	else if (!u.https && !cfg->outbound_allow_private)
		json_error_add(errors, "/url",
		               "must use https (http only with LOYALTYD_OUTBOUND_ALLOW_PRIVATE=1)");
	else if (!cfg->outbound_allow_private &&
	         net_resolve(u.host, u.port, pin, why, sizeof(why)) != 0)
		json_error_add(errors, "/url", why); /* checked again at every delivery */
}

/* event_types: null (every type) or 1 to OUTBOUND_TYPES_MAX distinct known types. */
static void check_types(const json_t *v, struct endpoint_input *in, json_t *errors)
{
	size_t i, n = json_array_size(v), len = 0;
	const json_t *t;
	in->has_types = true;
	in->types[0] = '\0';
	if (json_is_null(v))
		return;
	if (!json_is_array(v) || n == 0 || n > OUTBOUND_TYPES_MAX) {
		json_error_add(errors, "/event_types",
		               "must be an array of 1 to 32 event types, or null for every type");
		return;
	}
	json_array_foreach (v, i, t) {
		char ptr[48];
		const char *s = json_string_value(t);
		snprintf(ptr, sizeof(ptr), "/event_types/%zu", i);
		if (!s || !outbound_type_known(s)) {
			json_error_add(errors, ptr,
			               "is not an event type (docs/events.md lists them)");
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			/* an earlier member may be no string (already reported) */
			const char *prev = json_string_value(json_array_get(v, j));
			if (prev && strcmp(prev, s) == 0) {
				json_error_add(errors, ptr, "is named twice");
				s = NULL;
				break;
			}
		}
		if (s)
			len += (size_t)snprintf(in->types + len, sizeof(in->types) - len, "%s%s",
			                        len ? "," : "{", s);
	}
	snprintf(in->types + len, sizeof(in->types) - len, "}");
}

static const char *check_secret(const json_t *body, json_t *errors)
{
	const json_t *v = json_object_get(body, "secret");
	const char *why;
	if (!v)
		return NULL;
	if (!json_is_string(v)) {
		json_error_add(errors, "/secret", "must be a string: whsec_ and base64");
		return NULL;
	}
	if ((why = swh_secret_check(json_string_value(v))) != NULL) {
		json_error_add(errors, "/secret", why);
		return NULL;
	}
	return json_string_value(v);
}

/* The body of a POST (create: url required) or PATCH, checked into in: NULL after the
 * reply to a body that is no JSON, else the body with *errors what is wrong in it. */
static json_t *endpoint_body(struct request *req, bool create, struct endpoint_input *in,
                             json_t **errors_out)
{
	static const char *const post[] = {"url",         "event_types", "enabled",
	                                   "description", "secret",      NULL};
	static const char *const patch[] = {"url", "event_types", "enabled", "description", NULL};
	json_t *errors, *body = handlers_body(req, create ? post : patch, &errors);
	*errors_out = errors;
	memset(in, 0, sizeof(*in));
	if (!body || !json_is_object(body))
		return body;
	in->url = validate_string(body, "url", "", 8, 2048, create, errors);
	if (in->url)
		check_url(&req->app->cfg, in->url, errors);
	const json_t *types = json_object_get(body, "event_types");
	if (types)
		check_types(types, in, errors);
	const json_t *enabled = json_object_get(body, "enabled");
	if (enabled && !json_is_boolean(enabled))
		json_error_add(errors, "/enabled", "must be true or false");
	else if (enabled)
		in->enabled = json_is_true(enabled) ? "true" : "false";
	in->description =
	    validate_string(body, "description", "", 0, DESCRIPTION_MAX_CHARS, false, errors);
	if (create)
		in->secret = check_secret(body, errors);
	return body;
}

/* Answers a JSON text the store made: status, or 404 when there was none. */
static enum step reply_found(struct request *req, enum db_status st, char *json, int status)
{
	if (st != DB_OK)
		return problem_db(req, st);
	if (!json)
		return problem_reply(req, 404, "not-found", NO_ENDPOINT);
	return handlers_reply_json_text(req, status, json);
}

/* The endpoint JSON json with "secret" (shown this once) added, and for a 201 its
 * Location. */
static enum step reply_with_secret(struct request *req, int status, char *json, const char *secret)
{
	json_t *out = json_loads(json, 0, NULL);
	free(json);
	if (!out)
		return STEP_FAILED;
	if (status == 201) { /* a new endpoint: where it is */
		char location[96];
		snprintf(location, sizeof(location), "/v1/event-endpoints/%s",
		         json_string_value(json_object_get(out, "id")));
		http_header_add(req, "Location", location);
	}
	json_object_set_new(out, "secret", json_string(secret));
	return http_reply_json(req, status, out);
}

enum step handle_endpoint_create(struct request *req)
{
	struct endpoint_input in;
	char secret[SWH_SECRET_MAX + 1], *json = NULL;
	enum step rc;
	json_t *errors, *body = endpoint_body(req, true, &in, &errors);
	if (!body)
		return STEP_ANSWERED;
	if (json_array_size(errors) > 0) {
		rc = problem_invalid(req, errors);
		goto out;
	}
	json_decref(errors);
	if (in.secret)
		snprintf(secret, sizeof(secret), "%s", in.secret);
	else if (swh_secret_generate(secret) != 0) {
		rc = STEP_FAILED;
		goto out;
	}
	struct endpoint_spec spec = {
	    .url = in.url,
	    .event_types = in.has_types && in.types[0] ? in.types : NULL,
	    .enabled = !in.enabled || strcmp(in.enabled, "true") == 0,
	    .description = in.description ? in.description : "",
	    .secret = secret,
	};
	enum db_status st = endpoints_create(req->app->pool, req->who.tenant_id, &spec, &json);
	if (st != DB_OK) {
		rc = problem_db(req, st);
	} else if (!json) {
		rc = problem_reply(req, 409, "conflict",
		                   "the tenant has 50 event endpoints: delete one first");
	} else {
		rc = reply_with_secret(req, 201, json, secret);
	}
out:
	json_decref(body);
	return rc;
}

enum step handle_endpoint_list(struct request *req)
{
	char *list = NULL;
	enum db_status st = endpoints_list(req->app->pool, req->who.tenant_id, &list);
	if (st != DB_OK)
		return problem_db(req, st);
	json_t *data = json_loads(list, 0, NULL);
	free(list);
	if (!data)
		return STEP_FAILED;
	return http_reply_json(req, 200, json_pack("{s:o, s:n}", "data", data, "next_cursor"));
}

/* The operations on one endpoint that take nothing but its id and answer a JSON text. */
typedef enum db_status (*endpoint_op)(struct pool *pool, const char *tenant_id, const char *id,
                                      char **json);

static enum step on_endpoint(struct request *req, endpoint_op op, int status)
{
	char *json = NULL;
	const char *id = handlers_uuid(req, "id", NO_ENDPOINT);
	if (!id)
		return STEP_ANSWERED;
	enum db_status st = op(req->app->pool, req->who.tenant_id, id, &json);
	return reply_found(req, st, json, status);
}

enum step handle_endpoint_get(struct request *req)
{
	return on_endpoint(req, endpoints_get, 200);
}

enum step handle_endpoint_patch(struct request *req)
{
	struct endpoint_input in;
	char *json = NULL;
	enum step rc;
	const char *id = handlers_uuid(req, "id", NO_ENDPOINT);
	if (!id)
		return STEP_ANSWERED;
	json_t *errors, *body = endpoint_body(req, false, &in, &errors);
	if (!body)
		return STEP_ANSWERED;
	if (json_array_size(errors) > 0) {
		rc = problem_invalid(req, errors);
	} else {
		struct endpoint_patch patch = {
		    .url = in.url,
		    .set_types = in.has_types,
		    .event_types = in.has_types && in.types[0] ? in.types : NULL,
		    .enabled = in.enabled,
		    .description = in.description,
		};
		json_decref(errors);
		enum db_status st =
		    endpoints_update(req->app->pool, req->who.tenant_id, id, &patch, &json);
		rc = reply_found(req, st, json, 200);
	}
	json_decref(body);
	return rc;
}

enum step handle_endpoint_delete(struct request *req)
{
	bool found = false;
	const char *id = handlers_uuid(req, "id", NO_ENDPOINT);
	if (!id)
		return STEP_ANSWERED;
	enum db_status st = endpoints_delete(req->app->pool, req->who.tenant_id, id, &found);
	if (st != DB_OK)
		return problem_db(req, st);
	if (!found)
		return problem_reply(req, 404, "not-found", NO_ENDPOINT);
	return http_reply_empty(req, 204);
}

enum step handle_endpoint_rotate(struct request *req)
{
	static const char *const fields[] = {"overlap_hours", "secret", NULL};
	char secret[SWH_SECRET_MAX + 1], *json = NULL;
	long overlap_hours = 24;
	enum step rc;
	const char *id = handlers_uuid(req, "id", NO_ENDPOINT);
	json_t *errors, *body = id ? handlers_body(req, fields, &errors) : NULL;
	if (!body) /* a 404 or the body's problem is the answer */
		return STEP_ANSWERED;
	const char *given = NULL;
	if (json_is_object(body)) {
		const json_t *h = json_object_get(body, "overlap_hours");
		if (h && (!json_is_integer(h) || json_integer_value(h) < 0 ||
		          json_integer_value(h) > OVERLAP_MAX_HOURS))
			json_error_add(errors, "/overlap_hours",
			               "must be a whole number of hours from 0 to 168");
		else if (h)
			overlap_hours = (long)json_integer_value(h);
		given = check_secret(body, errors);
	}
	if (json_array_size(errors) > 0) {
		rc = problem_invalid(req, errors);
		goto out;
	}
	json_decref(errors);
	if (given)
		snprintf(secret, sizeof(secret), "%s", given);
	else if (swh_secret_generate(secret) != 0) {
		rc = STEP_FAILED;
		goto out;
	}
	enum db_status st = endpoints_rotate(req->app->pool, req->who.tenant_id, id, secret,
	                                     overlap_hours * 3600, &json);
	if (st != DB_OK)
		rc = problem_db(req, st);
	else if (!json)
		rc = problem_reply(req, 404, "not-found", NO_ENDPOINT);
	else
		rc = reply_with_secret(req, 200, json, secret);
out:
	json_decref(body);
	return rc;
}

enum step handle_endpoint_messages(struct request *req)
{
	struct page_params p;
	struct message_filter f = {0};
	char *page = NULL;
	size_t len = 0;
	bool found = false;
	enum step rc;
	const char *id = handlers_uuid(req, "id", NO_ENDPOINT);
	if (!id)
		return STEP_ANSWERED;
	if ((rc = handlers_id_page_params(req, "messages", NULL, &p)) != STEP_GO_ON)
		return rc;
	if (http_query(req, "status", &f.status) != 0 ||
	    (f.status && strcmp(f.status, "pending") != 0 && strcmp(f.status, "delivered") != 0 &&
	     strcmp(f.status, "failed") != 0))
		return handlers_bad_parameter(req, "status",
		                              "must be pending, delivered or failed");
	f.after_id = p.cursor[0] ? p.cursor : NULL;
	f.limit = p.limit;
	f.cursor_scope = p.scope;
	enum db_status st =
	    endpoints_messages(req->app->pool, req->who.tenant_id, id, &f, &page, &len, &found);
	if (st != DB_OK)
		return problem_db(req, st);
	if (!found)
		return problem_reply(req, 404, "not-found", NO_ENDPOINT);
	return http_reply_owned(req, 200, "application/json", page, len);
}

enum step handle_endpoint_retry(struct request *req)
{
	char *json = NULL;
	const char *id = handlers_uuid(req, "id", NO_ENDPOINT);
	if (!id)
		return STEP_ANSWERED;
	const char *m = router_param(&req->match, "message_id");
	/* msg_ and 1 to 18 digits: the webhook-id of a delivery */
	if (!m || strncmp(m, "msg_", 4) != 0 || strlen(m) < 5 || strlen(m) > 22 ||
	    strspn(m + 4, "0123456789") != strlen(m + 4))
		return problem_reply(req, 404, "not-found", "no such message");
	enum db_status st = endpoints_retry(req->app->pool, req->who.tenant_id, id, m + 4, &json);
	if (st != DB_OK)
		return problem_db(req, st);
	if (!json)
		return problem_reply(req, 404, "not-found",
		                     "no such message of this endpoint, or it is being delivered "
		                     "this moment");
	return handlers_reply_json_text(req, 202, json);
}

/* from or to of a replay: RFC 3339, 1970-2100. */
static const char *replay_bound(const json_t *body, const char *name, bool required, json_t *errors)
{
	char ptr[8];
	int64_t us;
	snprintf(ptr, sizeof(ptr), "/%s", name);
	const char *s = validate_string(body, name, "", 1, 40, required, errors);
	if (s && timefmt_parse_rfc3339(s, &us) != 0) {
		json_error_add(errors, ptr,
		               "must be an RFC 3339 time such as 2026-12-01T00:00:00Z");
		return NULL;
	}
	return s;
}

enum step handle_endpoint_replay(struct request *req)
{
	static const char *const fields[] = {"from", "to", NULL};
	long count = 0;
	enum step rc;
	char now[32];
	const char *id = handlers_uuid(req, "id", NO_ENDPOINT);
	json_t *errors = NULL, *body = id ? handlers_body(req, fields, &errors) : NULL;
	if (!body)
		return STEP_ANSWERED;
	const char *from = NULL, *to = NULL;
	if (json_is_object(body)) {
		from = replay_bound(body, "from", true, errors);
		to = replay_bound(body, "to", false, errors);
	}
	int64_t from_us = 0, to_us = 0;
	if (!to) {
		/* to the microsecond: a message written earlier this second is in range */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		timefmt_format((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000, now);
		to = json_array_size(errors) == 0 ? now : NULL;
	}
	if (from && to && timefmt_parse_rfc3339(from, &from_us) == 0 &&
	    timefmt_parse_rfc3339(to, &to_us) == 0 && from_us >= to_us)
		json_error_add(errors, "/from", "must be before to");
	if (json_array_size(errors) > 0) {
		rc = problem_invalid(req, errors);
		goto out;
	}
	json_decref(errors);
	enum db_status st =
	    endpoints_replay(req->app->pool, req->who.tenant_id, id, from, to, &count);
	if (st != DB_OK)
		rc = problem_db(req, st);
	else if (count < 0)
		rc = problem_reply(req, 404, "not-found", NO_ENDPOINT);
	else
		rc = http_reply_json(req, 202,
		                     json_pack("{s:I, s:s, s:s}", "replayed", (json_int_t)count,
		                               "from", from, "to", to));
out:
	json_decref(body);
	return rc;
}

enum step handle_endpoint_test(struct request *req)
{
	return on_endpoint(req, endpoints_test, 202);
}

enum step handle_event_settings_get(struct request *req)
{
	char *json = NULL;
	enum db_status st = outbound_settings_get(req->app->pool, req->who.tenant_id, &json);
	if (st != DB_OK)
		return problem_db(req, st);
	return handlers_reply_json_text(req, 200, json);
}

/* "HH:MM", 00:00 to 23:59. */
static bool clock_ok(const char *s)
{
	static const char digits[] = "0123456789";
	return strlen(s) == 5 && s[2] == ':' && strspn(s, digits) == 2 &&
	       strspn(s + 3, digits) == 2 && ((s[0] - '0') * 10 + (s[1] - '0')) < 24 &&
	       s[3] - '0' < 6;
}

enum step handle_event_settings_put(struct request *req)
{
	static const char *const fields[] = {"tz", "run_at", "expiring_days", NULL};
	char *json = NULL;
	enum step rc;
	json_t *errors, *body = handlers_body(req, fields, &errors);
	if (!body)
		return STEP_ANSWERED;
	const char *tz = NULL, *run_at = NULL;
	long days = 0;
	if (json_is_object(body)) {
		tz = validate_string(body, "tz", "", 1, 64, true, errors);
		run_at = validate_string(body, "run_at", "", 5, 5, true, errors);
		if (run_at && !clock_ok(run_at)) {
			json_error_add(errors, "/run_at",
			               "must be a local time HH:MM such as 06:00");
			run_at = NULL;
		}
		const json_t *d = json_object_get(body, "expiring_days");
		if (!json_is_integer(d) || json_integer_value(d) < 1 || json_integer_value(d) > 365)
			json_error_add(errors, "/expiring_days",
			               "is required: a whole number of days from 1 to 365");
		else
			days = (long)json_integer_value(d);
	}
	if (json_array_size(errors) > 0) {
		rc = problem_invalid(req, errors);
		goto out;
	}
	json_decref(errors);
	enum db_status st =
	    outbound_settings_put(req->app->pool, req->who.tenant_id, tz, run_at, (int)days, &json);
	if (st == DB_INVALID)
		rc = problem_invalid_field(req, "/tz", "is not a time zone PostgreSQL knows");
	else if (st != DB_OK)
		rc = problem_db(req, st);
	else
		rc = handlers_reply_json_text(req, 200, json);
out:
	json_decref(body);
	return rc;
}
