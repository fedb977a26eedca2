/* idempotency.c - Idempotency-Key on marked routes. */
#include "idempotency.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "hex.h"
#include "http.h"
#include "log.h"
#include "problem.h"
#include "store_idempotency.h"

/* SHA-256 of what makes two requests the same one: method, route, path and body. */
static void request_hash(const struct request *req, char out[65])
{
	unsigned char digest[32];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, req->method, strlen(req->method) + 1);
	EVP_DigestUpdate(ctx, req->path, strlen(req->path) + 1);
	if (req->body.data)
		EVP_DigestUpdate(ctx, req->body.data, req->body.len);
	EVP_DigestFinal_ex(ctx, digest, NULL);
	EVP_MD_CTX_free(ctx);
	hex_encode(digest, sizeof(digest), out);
}

static bool key_ok(const char *key)
{
	size_t n = strlen(key);
	if (n < 1 || n > 255)
		return false;
	for (size_t i = 0; i < n; i++)
		if (key[i] < 0x21 || key[i] > 0x7e)
			return false;
	return true;
}

int idempotency_begin(struct request *req)
{
	const char *key = http_request_header(req, "Idempotency-Key");
	char hash[65];
	if (!key)
		return 0;
	if (!key_ok(key))
		return problem_reply(req, 400, "invalid-header",
		                     "Idempotency-Key must be 1 to 255 visible ASCII characters") ==
		               0
		           ? 1
		           : -1;
	request_hash(req, hash);
	for (int attempt = 0; attempt < 2; attempt++) {
		bool claimed = false, found = false;
		struct idem_record rec;
		enum db_status st =
		    idem_claim(req->app->pool, req->who.tenant_id, key, hash, &claimed);
		if (st != DB_OK)
			return problem_db(req, st) == 0 ? 1 : -1;
		if (claimed) {
			snprintf(req->idem_key, sizeof(req->idem_key), "%s", key);
			req->idem_claimed = true;
			return 0;
		}
		st = idem_get(req->app->pool, req->who.tenant_id, key, &rec, &found);
		if (st != DB_OK)
			return problem_db(req, st) == 0 ? 1 : -1;
		if (!found)
			continue; /* given back meanwhile: claim again */
		int rc;
		if (rec.status == 0)
			rc = problem_reply(
			    req, 409, "idempotency-key-in-use",
			    "the first request with this Idempotency-Key is still running");
		else if (strcmp(rec.hash, hash) != 0)
			rc = problem_reply(req, 422, "idempotency-key-reused",
			                   "this Idempotency-Key was used for another request");
		else {
			http_header_add(req, "Idempotent-Replayed", "true");
			char *body = rec.body ? rec.body : strdup("");
			rec.body = NULL;
			rc =
			    http_reply_owned(req, rec.status, rec.content_type, body, strlen(body));
		}
		idem_record_release(&rec);
		return rc == 0 ? 1 : -1;
	}
	return problem_reply(req, 409, "idempotency-key-in-use",
	                     "this Idempotency-Key is being used; retry") == 0
	           ? 1
	           : -1;
}

void idempotency_finish(struct request *req, int status, const char *content_type, const char *body,
                        size_t len)
{
	enum db_status st;
	if (!req->idem_claimed)
		return;
	req->idem_claimed = false;
	if (status >= 500) {
		st = idem_release(req->app->pool, req->who.tenant_id, req->idem_key);
	} else {
		char *text = malloc(len + 1);
		if (!text)
			return;
		memcpy(text, body ? body : "", len);
		text[len] = '\0';
		st = idem_finish(req->app->pool, req->who.tenant_id, req->idem_key, status,
		                 content_type ? content_type : "", text);
		free(text);
	}
	if (st != DB_OK)
		log_msg(LOG_WARN, "idempotency record not kept", db_status_name(st));
}
