/* router.h - matching a method and a raw path against a static route table.
 *
 * Patterns are literal segments and {name} parameters ("/v1/keys/{id}"). Paths arrive
 * still percent-encoded; segments are split first and decoded afterwards, so an encoded
 * '/' (%2F) belongs to its parameter. HEAD matches GET routes. Pure code: no I/O. */
#ifndef LOYALTYD_ROUTER_H
#define LOYALTYD_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

struct request;

enum route_auth {
	AUTH_NONE,       /* public: health, metrics, spec */
	AUTH_KEY,        /* Bearer lk_… key holding one of the route's scopes */
	AUTH_ADMIN_TOKEN /* Bearer LOYALTYD_ADMIN_TOKEN; the route is absent when unset */
};

/* What a step of handling a request did: a handler, a check of the dispatcher, a parser of
 * a parameter. */
enum step {
	STEP_FAILED = -1,  /* no reply could be made (out of memory): the transport answers 500 */
	STEP_GO_ON = 0,    /* nothing answered: the request goes on */
	STEP_ANSWERED = 1, /* a reply is made: the request is done */
};

/* A handler turns one request into exactly one reply (http.h, problem.h): it returns
 * STEP_ANSWERED, or STEP_FAILED when it could not make one, in which case the transport
 * answers 500. */
typedef enum step (*route_handler)(struct request *req);

struct route {
	const char *method;  /* "GET", "POST", "PUT", "DELETE" */
	const char *pattern; /* "/v1/keys/{id}" */
	enum route_auth auth;
	unsigned scopes; /* for AUTH_KEY: any one of these */
	route_handler handler;
	unsigned flags; /* ROUTE_* */
	/* The query parameters the route takes (NULL-terminated; NULL: none). The dispatcher
	 * refuses any other with a 400 before the handler runs (query.h), and openapi.yaml
	 * declares exactly these (tests/unit/test_openapi_routes.c). */
	const char *const *query;
};

/* A route's query list: ROUTE_QUERY("limit", "cursor"). */
#define ROUTE_QUERY(...) ((const char *const[]){__VA_ARGS__, NULL})

/* The route takes an Idempotency-Key (idempotency.h). */
#define ROUTE_IDEMPOTENT 1u
/* The route authenticates by a signature of its own (webhooks): its 401s count as failed
 * authentications of the client address, as those of keys and the admin token do. */
#define ROUTE_SIGNED 2u
/* The route takes a body up to LOYALTYD_MAX_BODY_BYTES (an event batch); the others take
 * at most HTTP_BODY_MAX (http.h). */
#define ROUTE_LARGE_BODY 4u
/* The route ignores query parameters it does not take instead of refusing them: the web
 * files, which shops' pages may load with a cache-buster (/widget/nps.js?v=3). */
#define ROUTE_ANY_QUERY 8u

#define ROUTER_MAX_PARAMS 4
#define ROUTER_MAX_PATH 2048

enum router_result {
	ROUTER_MATCH,     /* m->route and parameters are set */
	ROUTER_NO_PATH,   /* 404 */
	ROUTER_NO_METHOD, /* 405: m->allow lists the methods the path has */
	ROUTER_BAD_PATH   /* 400: bad percent-encoding, NUL, or longer than ROUTER_MAX_PATH */
};

struct router_match {
	const struct route *route;
	size_t index; /* position of route in the table */
	size_t nparams;
	struct {
		const char *name; /* points into the pattern; name_len bytes, not terminated */
		size_t name_len;
		const char *value; /* decoded, NUL-terminated, points into buf */
	} params[ROUTER_MAX_PARAMS];
	char allow[96]; /* "GET, HEAD, DELETE, OPTIONS" for every outcome but BAD_PATH */
	char buf[ROUTER_MAX_PATH + 1];
};

/* Matches method and path (without query string) against table[0..n). The first route
 * whose pattern and method both fit wins. Fills m; it owns no heap memory. */
enum router_result router_match(const struct route *table, size_t n, const char *method,
                                const char *path, struct router_match *m);

/* Returns the decoded value of parameter name, or NULL when the route has no such one. */
const char *router_param(const struct router_match *m, const char *name);

/* Decodes %XX escapes of src[0..len) into dst (capacity dstcap, NUL-terminated). When
 * plus_is_space, '+' becomes ' ' (query strings). Returns the decoded length, or -1 on a
 * bad escape, an encoded NUL or lack of room. */
long router_percent_decode(const char *src, size_t len, char *dst, size_t dstcap,
                           bool plus_is_space);

#endif
