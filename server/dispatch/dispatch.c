/* dispatch.c - what a request means: the route it matched, its caller, rate limits,
 * query parameters, its Idempotency-Key, then its handler. */
#include "dispatch/dispatch.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "api/query.h"
#include "dispatch/auth.h"
#include "dispatch/idempotency.h"
#include "dispatch/ratelimit.h"
#include "domain/scope.h"
#include "http/http.h"
#include "http/problem.h"

static bool admin_token_ok(struct request *req)
{
	const char *auth = http_request_header(req, "Authorization");
	const char *token = auth_bearer(auth);
	unsigned char a[32], b[32];
	if (!token)
		return false;
	/* Hash both so the comparison takes the same time whatever the lengths. */
	EVP_Digest(token, strlen(token), a, NULL, EVP_sha256(), NULL);
	EVP_Digest(req->app->cfg.admin_token, strlen(req->app->cfg.admin_token), b, NULL,
	           EVP_sha256(), NULL);
	return CRYPTO_memcmp(a, b, sizeof(a)) == 0;
}

static enum step reply_options(struct request *req)
{
	const char *origin = http_request_header(req, "Origin");
	const char *want = http_request_header(req, "Access-Control-Request-Method");
	http_header_add(req, "Allow", req->match.allow);
	if (origin && want && config_cors_allowed(&req->app->cfg, origin)) {
		http_header_add(req, "Access-Control-Allow-Methods", req->match.allow);
		http_header_add(req, "Access-Control-Allow-Headers",
		                "Authorization, Content-Type, Idempotency-Key, X-Request-Id");
		http_header_add(req, "Access-Control-Max-Age", "600");
	}
	return http_reply_empty(req, 204);
}

static enum step reply_rate_limited(struct request *req, double wait, const char *detail)
{
	char seconds[24];
	snprintf(seconds, sizeof(seconds), "%ld", (long)wait + 1);
	http_header_add(req, "Retry-After", seconds);
	return problem_reply(req, 429, "rate-limited", detail);
}

static double auth_failure_rate(const struct config *cfg)
{
	return (double)cfg->auth_failures_per_minute / 60.0;
}

/* The rate-limit bucket of an authenticated request: its key's, except that a key that may
 * only answer surveys is public (it sits in shops' pages), so each client address has its
 * own bucket of it: one visitor cannot use up a shop's widget for every other visitor. */
static void key_bucket(struct request *req, char *out, size_t cap)
{
	if (req->who.scopes == SCOPE_RESPOND) {
		char addr[INET6_ADDRSTRLEN];
		http_client_address(req, addr, sizeof(addr));
		snprintf(out, cap, "%.12s@%s", req->who.key_id, addr);
	} else {
		snprintf(out, cap, "%s", req->who.key_id);
	}
}

/* True when the request's route authenticates its caller (a key, the admin token or a
 * webhook signature): its failures count against the client address. */
static bool authenticates(const struct request *req)
{
	const struct route *route = req->match.route;
	return req->match_result == ROUTER_MATCH &&
	       (route->auth != AUTH_NONE || (route->flags & ROUTE_SIGNED)) &&
	       strcmp(req->method, "OPTIONS") != 0;
}

/* Counts a 401 against the client address (the failed-authentication limit). */
static void note_auth_failure(struct request *req)
{
	const struct config *cfg = &req->app->cfg;
	char addr[INET6_ADDRSTRLEN] = "";
	if (req->status != 401 || !authenticates(req) || cfg->auth_failures_per_minute <= 0)
		return;
	http_client_address(req, addr, sizeof(addr));
	(void)ratelimit_hit(RATELIMIT_AUTH_FAILURE, addr, auth_failure_rate(cfg),
	                    (double)cfg->auth_failures_per_minute);
}

static enum step admit_route(struct request *req);

/* The first stage, run as soon as the head is whole and before any byte of the body is
 * read: the route, the caller's key or token and scope, the rate limits and the query
 * parameters. A request refused here never has its body buffered (nor parsed), so
 * memory cannot be swollen without a key. STEP_GO_ON: the request goes on to run(). */
static enum step admit(struct request *req)
{
	const struct config *cfg = &req->app->cfg;
	if (authenticates(req) && cfg->auth_failures_per_minute > 0) {
		char addr[INET6_ADDRSTRLEN] = "";
		http_client_address(req, addr, sizeof(addr));
		double wait = ratelimit_check(RATELIMIT_AUTH_FAILURE, addr, auth_failure_rate(cfg),
		                              (double)cfg->auth_failures_per_minute);
		if (wait > 0)
			return reply_rate_limited(
			    req, wait, "too many failed authentications from this address");
	}
	enum step rc = admit_route(req);
	note_auth_failure(req);
	return rc;
}

static enum step admit_route(struct request *req)
{
	const struct route *route = req->match.route;
	bool options = strcmp(req->method, "OPTIONS") == 0;

	if (options && req->match_result != ROUTER_NO_PATH && req->match_result != ROUTER_BAD_PATH)
		return reply_options(req);
	switch (req->match_result) {
	case ROUTER_NO_PATH:
		return problem_reply(req, 404, "not-found", "no such resource");
	case ROUTER_BAD_PATH:
		return problem_reply(req, 400, "bad-path",
		                     "the path has a malformed percent-encoding or is too long");
	case ROUTER_NO_METHOD:
		http_header_add(req, "Allow", req->match.allow);
		return problem_reply(req, 405, "method-not-allowed",
		                     "this resource does not support that method");
	case ROUTER_MATCH:
		break;
	}
	if (http_header_count(req, "Authorization") > 1)
		/* two credentials have no one meaning: which of them would be checked depends on
		 * the server, and a proxy may have checked the other */
		return problem_reply(req, 400, "invalid-header",
		                     "the request has more than one Authorization header");
	if (route->auth == AUTH_ADMIN_TOKEN) {
		if (req->app->cfg.admin_token[0] == '\0')
			return problem_reply(req, 404, "not-found", "no such resource");
		if (!admin_token_ok(req)) {
			http_header_add(req, "WWW-Authenticate", "Bearer");
			return problem_reply(req, 401, "unauthorized",
			                     "a valid admin token is required");
		}
	} else if (route->auth == AUTH_KEY) {
		enum step rc = auth_check(req, route->scopes);
		if (rc != STEP_GO_ON)
			return rc;
		char bucket[RATELIMIT_NAME_MAX + 1];
		key_bucket(req, bucket, sizeof(bucket));
		double wait = ratelimit_hit(RATELIMIT_KEY, bucket, (double)req->app->cfg.rate_limit,
		                            (double)req->app->cfg.rate_burst);
		if (wait > 0)
			return reply_rate_limited(req, wait, "this API key sent too many requests");
	}
	if (route->flags & ROUTE_ANY_QUERY)
		return STEP_GO_ON;
	return query_check(req); /* a typo must not give the default silently */
}

static enum step run_handler(struct request *req);

/* The second stage, once the whole body is in (within its limit: the transport answers
 * 413 otherwise): the Idempotency-Key and the handler. An answer kept under a key is
 * committed with the handler's work before it is sent; when that fails the answer is
 * replaced by the failure's (never a 2xx for work that did not commit). */
static enum step run(struct request *req)
{
	/* an import in progress: the outbound dispatcher yields to it (jobs/outbound.h) */
	bool bulk = req->body.len > HTTP_BODY_MAX;
	if (bulk)
		atomic_fetch_add(&req->app->bulk_in_flight, 1);
	enum step rc = run_handler(req);
	if (bulk)
		atomic_fetch_sub(&req->app->bulk_in_flight, 1);
	return rc;
}

static enum step run_handler(struct request *req)
{
	const struct route *route = req->match.route;
	enum step rc;
	if (route->flags & ROUTE_IDEMPOTENT) {
		rc = idempotency_begin(req);
		if (rc != STEP_GO_ON)
			return rc;
		rc = route->handler(req);
		if (req->idem_claimed && req->status == 0)
			rc = problem_reply(req, 500, "internal",
			                   "an internal error occurred; it was logged");
		if (req->idem_claimed) {
			enum db_status st = idempotency_finish(
			    req, req->status, req->reply_type[0] ? req->reply_type : NULL,
			    req->reply_body, req->reply_len);
			if (st != DB_OK) {
				http_reply_discard(req);
				rc = problem_db(req, st);
			}
		}
		idempotency_abandon(req); /* the unit never outlives its request */
	} else {
		rc = route->handler(req);
	}
	note_auth_failure(req); /* a webhook's signature is checked on its body */
	return rc;
}

const struct http_dispatch dispatch = {.admit = admit, .run = run};
