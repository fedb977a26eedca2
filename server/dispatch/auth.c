/* auth.c - API key verification and scopes. */
#include "dispatch/auth.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/apikey.h"
#include "http/http.h"
#include "store/keycache.h"

#include "domain/scope.h"
#include "http/problem.h"
#include "store/store_keys.h"

const char *auth_bearer(const char *header)
{
	if (!header || strncasecmp(header, "Bearer ", 7) != 0)
		return NULL;
	header += 7;
	while (*header == ' ')
		header++;
	return *header ? header : NULL;
}

static enum step unauthorized(struct request *req, const char *detail)
{
	http_header_add(req, "WWW-Authenticate", "Bearer");
	return problem_reply(req, 401, "unauthorized", detail);
}

enum step auth_check(struct request *req, unsigned scopes)
{
	const char *header = http_request_header(req, "Authorization");
	const char *key = auth_bearer(header);
	struct key_candidate cand[KEYS_LOOKUP_MAX];
	unsigned char hash[APIKEY_HASH_LEN];
	char prefix[APIKEY_PREFIX_LEN + 1];
	size_t n = 0;

	if (!key)
		return unauthorized(req, "an API key is required: Authorization: Bearer lk_…");
	if (!apikey_well_formed(key))
		return unauthorized(req, "the API key is not valid");
	apikey_hash(key, hash);
	if (!keycache_get(hash, &req->who)) {
		unsigned long generation = keycache_generation();
		memcpy(prefix, key, APIKEY_PREFIX_LEN);
		prefix[APIKEY_PREFIX_LEN] = '\0';
		enum db_status st = keys_lookup(req->app->pool, prefix, cand, &n);
		if (st != DB_OK)
			return problem_db(req, st);
		const struct key_candidate *found = NULL;
		for (size_t i = 0; i < n; i++)
			if (CRYPTO_memcmp(hash, cand[i].hash, APIKEY_HASH_LEN) == 0)
				found = &cand[i];
		if (!found)
			return unauthorized(req, "the API key is not valid");
		memcpy(req->who.tenant_id, found->tenant_id, sizeof(req->who.tenant_id));
		memcpy(req->who.key_id, found->id, sizeof(req->who.key_id));
		req->who.scopes = found->scopes;
		keycache_put(hash, &req->who, generation);
	}
	req->authenticated = true;
	if ((req->who.scopes & scopes) == 0) {
		char detail[128];
		json_t *names = scopes_json(scopes);
		char *list = json_dumps(names, JSON_COMPACT);
		snprintf(detail, sizeof(detail),
		         "this key lacks the scope this route needs: one of %s", list ? list : "?");
		free(list);
		json_decref(names);
		return problem_reply(req, 403, "forbidden", detail);
	}
	return STEP_GO_ON;
}
