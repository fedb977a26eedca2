/* auth.c - API key verification and scopes. */
#include "auth.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "apikey.h"
#include "http.h"
#include "keycache.h"

#include "problem.h"
#include "store_keys.h"

static const char *const scope_names[] = {"respond", "ingest", "read", "points", "admin"};
#define NSCOPES (sizeof(scope_names) / sizeof(scope_names[0]))

const char *auth_bearer(const char *header)
{
	if (!header || strncasecmp(header, "Bearer ", 7) != 0)
		return NULL;
	header += 7;
	while (*header == ' ')
		header++;
	return *header ? header : NULL;
}

unsigned auth_scope_from_name(const char *name)
{
	for (size_t i = 0; i < NSCOPES; i++)
		if (strcmp(name, scope_names[i]) == 0)
			return 1u << i;
	return 0;
}

json_t *auth_scopes_json(unsigned scopes)
{
	json_t *a = json_array();
	for (size_t i = 0; i < NSCOPES; i++)
		if (scopes & (1u << i))
			json_array_append_new(a, json_string(scope_names[i]));
	return a;
}

void auth_scopes_pg(unsigned scopes, char *out, size_t outlen)
{
	size_t len = 0;
	out[0] = '\0';
	len += (size_t)snprintf(out, outlen, "{");
	for (size_t i = 0; i < NSCOPES && len < outlen; i++)
		if (scopes & (1u << i))
			len += (size_t)snprintf(out + len, outlen - len, "%s%s", len > 1 ? "," : "",
			                        scope_names[i]);
	if (len < outlen)
		snprintf(out + len, outlen - len, "}");
}

unsigned auth_scopes_parse_pg(const char *literal)
{
	unsigned scopes = 0;
	char word[16];
	const char *p = literal;
	while (*p) {
		while (*p == '{' || *p == '}' || *p == ',' || *p == '"')
			p++;
		size_t n = 0;
		while (*p && *p != ',' && *p != '}' && *p != '"') {
			if (n + 1 < sizeof(word))
				word[n++] = *p;
			p++;
		}
		word[n] = '\0';
		if (n)
			scopes |= auth_scope_from_name(word);
	}
	return scopes;
}

static int unauthorized(struct request *req, const char *detail)
{
	http_header_add(req, "WWW-Authenticate", "Bearer");
	return problem_reply(req, 401, "unauthorized", detail) == 0 ? 1 : -1;
}

int auth_check(struct request *req, unsigned scopes)
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
			return problem_db(req, st) == 0 ? 1 : -1;
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
		json_t *names = auth_scopes_json(scopes);
		char *list = json_dumps(names, JSON_COMPACT);
		snprintf(detail, sizeof(detail),
		         "this key lacks the scope this route needs: one of %s", list ? list : "?");
		free(list);
		json_decref(names);
		return problem_reply(req, 403, "forbidden", detail) == 0 ? 1 : -1;
	}
	return 0;
}
