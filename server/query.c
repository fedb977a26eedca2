/* query.c - unknown query parameters. */
#include "query.h"

#include <microhttpd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "sbuf.h"

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

int query_check(struct request *req)
{
	struct unknown u;
	struct sbuf detail;
	json_t *errors = NULL;
	int rc = -1;
	u.route = req->match.route;
	u.count = 0;
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, collect_unknown, &u);
	if (u.count == 0)
		return 0;
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
