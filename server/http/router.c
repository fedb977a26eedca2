/* router.c - static route table matching. */
#include "http/router.h"

#include <stdio.h>
#include <string.h>

#include "base/hex.h"

long router_percent_decode(const char *src, size_t len, char *dst, size_t dstcap,
                           bool plus_is_space)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		char c = src[i];
		if (c == '%') {
			if (i + 2 >= len)
				return -1;
			int hi = hex_value(src[i + 1]), lo = hex_value(src[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi * 16 + lo);
			if (c == '\0')
				return -1;
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		} else if (c == '\0') {
			return -1;
		}
		if (o + 1 >= dstcap)
			return -1;
		dst[o++] = c;
	}
	if (o >= dstcap)
		return -1;
	dst[o] = '\0';
	return (long)o;
}

/* Compares one pattern against the raw path; on success records parameter spans. */
static bool pattern_fits(const char *pattern, const char *path, struct router_match *m)
{
	const char *p = pattern, *s = path;
	m->nparams = 0;
	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return false;
		p++;
		s++;
		const char *pend = strchr(p, '/');
		const char *send = strchr(s, '/');
		size_t plen = pend ? (size_t)(pend - p) : strlen(p);
		size_t slen = send ? (size_t)(send - s) : strlen(s);
		if (plen >= 2 && p[0] == '{' && p[plen - 1] == '}') {
			if (slen == 0 || m->nparams == ROUTER_MAX_PARAMS)
				return false;
			m->params[m->nparams].name = p + 1;
			m->params[m->nparams].name_len = plen - 2;
			/* value: raw span for now, decoded after the whole match */
			m->params[m->nparams].value = s;
			m->nparams++;
		} else if (plen != slen || memcmp(p, s, plen) != 0) {
			return false;
		}
		p += plen;
		s += slen;
	}
	return *p == '\0' && *s == '\0';
}

static int decode_params(struct router_match *m)
{
	size_t used = 0;
	for (size_t i = 0; i < m->nparams; i++) {
		const char *raw = m->params[i].value;
		const char *end = strchr(raw, '/');
		size_t len = end ? (size_t)(end - raw) : strlen(raw);
		long n =
		    router_percent_decode(raw, len, m->buf + used, sizeof(m->buf) - used, false);
		if (n < 0)
			return -1;
		m->params[i].value = m->buf + used;
		used += (size_t)n + 1;
	}
	return 0;
}

static void allow_add(char *allow, size_t cap, const char *method)
{
	if (strstr(allow, method))
		return;
	size_t len = strlen(allow);
	int n = snprintf(allow + len, cap - len, "%s%s", len ? ", " : "", method);
	if (n < 0 || (size_t)n >= cap - len)
		allow[len] = '\0'; /* never a truncated method name */
}

enum router_result router_match(const struct route *table, size_t n, const char *method,
                                const char *path, struct router_match *m)
{
	const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
	bool path_known = false;
	memset(m, 0, offsetof(struct router_match, buf));
	m->buf[0] = '\0';
	if (strlen(path) > ROUTER_MAX_PATH || path[0] != '/')
		return ROUTER_BAD_PATH;

	for (size_t i = 0; i < n; i++) {
		struct router_match probe;
		if (!pattern_fits(table[i].pattern, path, &probe))
			continue;
		path_known = true;
		allow_add(m->allow, sizeof(m->allow), table[i].method);
		if (strcmp(table[i].method, "GET") == 0)
			allow_add(m->allow, sizeof(m->allow), "HEAD");
		if (m->route == NULL && strcmp(table[i].method, want) == 0) {
			m->route = &table[i];
			m->index = i;
			m->nparams = probe.nparams;
			memcpy(m->params, probe.params, sizeof(probe.params));
		}
	}
	if (!path_known)
		return ROUTER_NO_PATH;
	allow_add(m->allow, sizeof(m->allow), "OPTIONS");
	if (m->route == NULL)
		return ROUTER_NO_METHOD;
	if (decode_params(m) != 0) {
		m->route = NULL;
		return ROUTER_BAD_PATH;
	}
	return ROUTER_MATCH;
}

const char *router_param(const struct router_match *m, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < m->nparams; i++)
		if (m->params[i].name_len == len && memcmp(m->params[i].name, name, len) == 0)
			return m->params[i].value;
	return NULL;
}
