/* query.c - unknown query parameters, and the scope of a list's cursors. */
#include "api/query.h"

#include <microhttpd.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "base/sbuf.h"

#define NAME_SHOWN_MAX 48 /* bytes of an unknown name quoted back */

static bool route_takes(const struct route *route, const char *name)
{
	for (const char *const *q = route->query; q && *q; q++)
		if (strcmp(*q, name) == 0)
			return true;
	return false;
}

struct unknown {
	const struct route *route;
	size_t count;
	char names[QUERY_UNKNOWN_NAMED][NAME_SHOWN_MAX * 3 + 4];
};

/* The name as sent, for the answer: printable ASCII as it is, other bytes as %XX (the
 * answer is JSON, which must be UTF-8), cut after NAME_SHOWN_MAX bytes. */
static void name_shown(const char *raw, char *out, size_t cap)
{
	size_t o = 0, i = 0;
	for (; raw[i] && i < NAME_SHOWN_MAX && o + 4 < cap; i++) {
		unsigned char c = (unsigned char)raw[i];
		if (c > 0x20 && c < 0x7f)
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, cap - o, "%%%02X", c);
	}
	out[o] = '\0';
	if (raw[i])
		snprintf(out + o, cap - o, "...");
}

static enum MHD_Result collect_unknown(void *cls, enum MHD_ValueKind kind, const char *key,
                                       const char *value)
{
	struct unknown *u = cls;
	char shown[sizeof(u->names[0])];
	(void)kind;
	if (!key || (key[0] == '\0' && (!value || value[0] == '\0')))
		return MHD_YES; /* "?&a=1", "?a=1&": nothing was named */
	if (route_takes(u->route, key))
		return MHD_YES;
	name_shown(key, shown, sizeof(shown));
	size_t named = u->count < QUERY_UNKNOWN_NAMED ? u->count : QUERY_UNKNOWN_NAMED;
	for (size_t i = 0; i < named; i++)
		if (strcmp(u->names[i], shown) == 0)
			return MHD_YES; /* the same one twice */
	if (u->count < QUERY_UNKNOWN_NAMED)
		memcpy(u->names[u->count], shown, strlen(shown) + 1);
	u->count++;
	return MHD_YES;
}

enum step query_check(struct request *req)
{
	struct unknown u;
	struct sbuf detail;
	json_t *errors = NULL;
	enum step rc = -1;
	u.route = req->match.route;
	u.count = 0;
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, collect_unknown, &u);
	if (u.count == 0)
		return STEP_GO_ON;
	size_t named = u.count < QUERY_UNKNOWN_NAMED ? u.count : QUERY_UNKNOWN_NAMED;
	sbuf_init(&detail, 4096);
	errors = json_array();
	int bad = sbuf_printf(&detail, "unknown query parameter%s: ", u.count > 1 ? "s" : "");
	for (size_t i = 0; i < named; i++) {
		bad |= sbuf_printf(&detail, "%s%s", i ? ", " : "", u.names[i]);
		bad |= json_array_append_new(
		    errors, json_pack("{s:s, s:s}", "parameter", u.names[i], "message",
		                      "is not a parameter of this operation"));
	}
	if (u.count > named)
		bad |= sbuf_printf(&detail, " and %zu more", u.count - named);
	bad |= sbuf_printf(&detail, " (this operation takes ");
	for (const char *const *q = u.route->query; q && *q; q++)
		bad |= sbuf_printf(&detail, "%s%s", q == u.route->query ? "" : ", ", *q);
	bad |= sbuf_printf(&detail, "%s)", u.route->query ? "" : "none");
	char *text = bad ? NULL : sbuf_detach(&detail, NULL);
	if (text && errors) {
		rc = handlers_bad_parameters(req, errors, text);
		errors = NULL; /* stolen */
	}
	free(text);
	json_decref(errors);
	sbuf_release(&detail);
	return rc;
}

/* Hashes s[0..n) after its length, so that no two lists of fields hash alike; s NULL
 * hashes an absence, which differs from every text. */
static int hash_field(EVP_MD_CTX *ctx, const char *s, size_t n)
{
	unsigned char len[8];
	uint64_t v = s ? (uint64_t)n : UINT64_MAX;
	for (int i = 7; i >= 0; i--, v >>= 8)
		len[i] = (unsigned char)v;
	if (EVP_DigestUpdate(ctx, len, sizeof(len)) != 1)
		return -1;
	return s && n > 0 && EVP_DigestUpdate(ctx, s, n) != 1 ? -1 : 0;
}

static int hash_text(EVP_MD_CTX *ctx, const char *s)
{
	return hash_field(ctx, s, s ? strlen(s) : 0);
}

/* Hashes the query parameter name with its decoded value (the first, as http_query reads
 * it); a value that does not decode is hashed as sent, marked so. */
static int hash_query_value(EVP_MD_CTX *ctx, struct request *req, const char *name)
{
	const char *raw = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
	if (hash_text(ctx, name) != 0)
		return -1;
	if (!raw)
		return hash_field(ctx, NULL, 0);
	size_t len = strlen(raw);
	char *v = malloc(len + 1);
	if (!v)
		return -1;
	long n = router_percent_decode(raw, len, v, len + 1, true);
	int rc = n >= 0 ? hash_field(ctx, v, (size_t)n)
	                : (hash_text(ctx, "undecodable") != 0 ? -1 : hash_text(ctx, raw));
	free(v);
	return rc;
}

int query_cursor_scope(struct request *req, const char *list, const char *extra,
                       char out[CURSOR_SCOPE_MAX])
{
	const struct route *route = req->match.route;
	unsigned char where[EVP_MAX_MD_SIZE], filters[EVP_MAX_MD_SIZE];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rc = -1;
	out[0] = '\0';
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    hash_text(ctx, route->method) != 0 || hash_text(ctx, route->pattern) != 0)
		goto out;
	for (size_t i = 0; i < req->match.nparams; i++)
		if (hash_field(ctx, req->match.params[i].name, req->match.params[i].name_len) !=
		        0 ||
		    hash_text(ctx, req->match.params[i].value) != 0)
			goto out;
	if (EVP_DigestFinal_ex(ctx, where, NULL) != 1 ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	for (const char *const *q = route->query; q && *q; q++)
		if (strcmp(*q, "limit") != 0 && strcmp(*q, "cursor") != 0 &&
		    hash_query_value(ctx, req, *q) != 0)
			goto out;
	if (extra && (hash_text(ctx, "extra") != 0 || hash_text(ctx, extra) != 0))
		goto out;
	if (EVP_DigestFinal_ex(ctx, filters, NULL) != 1)
		goto out;
	rc = cursor_scope(list, where, filters, out);
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}
