/* idempotency.c - Idempotency-Key on marked routes. */
#include "dispatch/idempotency.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/app.h"
#include "base/hex.h"
#include "base/log.h"
#include "http/http.h"
#include "http/problem.h"
#include "store/store_idempotency.h"

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

static enum step reply_busy(struct request *req)
{
	http_header_add(req, "Retry-After", "1");
	return problem_reply(req, 409, "idempotency-key-in-use",
	                     "the first request with this Idempotency-Key is still running; "
	                     "retry after a second");
}

enum step idempotency_begin(struct request *req)
{
	const char *key = http_request_header(req, "Idempotency-Key");
	struct pool *pool = req->app->pool;
	const char *tenant = req->who.tenant_id;
	char hash[65];
	if (!key)
		return STEP_GO_ON;
	if (!key_ok(key))
		return problem_reply(req, 400, "invalid-header",
		                     "Idempotency-Key must be 1 to 255 visible ASCII characters");
	request_hash(req, hash);
	/* The claim opens the request's unit of work: the handler's effect and the answer
	 * kept under the key commit with it, in idempotency_finish(), or not at all. */
	enum db_status st = db_unit_begin(pool, tenant);
	if (st != DB_OK)
		return problem_db(req, st);
	enum idem_claim outcome = IDEM_BUSY;
	st = idem_claim(pool, tenant, key, hash, &outcome);
	if (st == DB_OK && outcome == IDEM_CLAIMED) {
		snprintf(req->idem_key, sizeof(req->idem_key), "%s", key);
		req->idem_claimed = true;
		return STEP_GO_ON;
	}
	struct idem_record rec;
	bool found = false;
	memset(&rec, 0, sizeof(rec));
	if (st == DB_OK && outcome == IDEM_ANSWERED)
		st = idem_get(pool, tenant, key, &rec, &found);
	(void)db_unit_end(false);
	enum step rc;
	if (st != DB_OK)
		rc = problem_db(req, st);
	else if (outcome == IDEM_BUSY || !found || rec.status == 0)
		/* !found: pruned this instant; status 0: a claim of the former design's still
		 * running: the retry claims it */
		rc = reply_busy(req);
	else if (strcmp(rec.hash, hash) != 0)
		rc = problem_reply(req, 422, "idempotency-key-reused",
		                   "this Idempotency-Key was used for another request");
	else {
		http_header_add(req, "Idempotent-Replayed", "true");
		char *body = rec.body ? rec.body : strdup("");
		rec.body = NULL;
		rc = http_reply_owned(req, rec.status,
		                      rec.content_type ? rec.content_type : "application/json",
		                      body, body ? strlen(body) : 0);
	}
	idem_record_release(&rec);
	return rc;
}

enum db_status idempotency_finish(struct request *req, int status, const char *content_type,
                                  const char *body, size_t len)
{
	if (!req->idem_claimed)
		return DB_OK;
	req->idem_claimed = false;
	/* a 5xx, or work that failed inside the unit: nothing of it is kept, the key is
	 * free again, and a retry runs anew */
	bool keep = status < 500 && !db_unit_doomed();
	enum db_status st = DB_OK;
	if (keep) {
		char *text = malloc(len + 1);
		if (text) {
			memcpy(text, body ? body : "", len);
			text[len] = '\0';
			st = idem_finish(req->app->pool, req->who.tenant_id, req->idem_key, status,
			                 content_type ? content_type : "", text);
			free(text);
		} else {
			st = DB_ERROR;
		}
	}
	enum db_status end = db_unit_end(keep && st == DB_OK);
	if (status < 200 || status >= 300)
		return DB_OK; /* a refusal changed nothing, kept or not: it is sent as it is */
	if (!keep)
		return DB_ERROR; /* a 2xx over failed work: a handler's bug */
	if (st != DB_OK)
		return st;
	/* DB_UNAVAILABLE: the COMMIT's outcome is unknown; a retry with the key replays the
	 * answer if it committed, or runs the request if it did not */
	return end == DB_OK ? DB_OK : end;
}

void idempotency_abandon(struct request *req)
{
	if (!req->idem_claimed)
		return;
	req->idem_claimed = false;
	log_msg(LOG_ERROR, "a keyed request ended without a reply", req->path);
	(void)db_unit_end(false);
}
