/* scope.c - the scopes of API keys and their names. */
#include "domain/scope.h"

#include <stdio.h>
#include <string.h>

static const char *const scope_names[] = {"respond", "ingest", "read", "points", "admin"};
#define NSCOPES (sizeof(scope_names) / sizeof(scope_names[0]))

unsigned scope_from_name(const char *name)
{
	for (size_t i = 0; i < NSCOPES; i++)
		if (strcmp(name, scope_names[i]) == 0)
			return 1u << i;
	return 0;
}

json_t *scopes_json(unsigned scopes)
{
	json_t *a = json_array();
	for (size_t i = 0; i < NSCOPES; i++)
		if (scopes & (1u << i))
			json_array_append_new(a, json_string(scope_names[i]));
	return a;
}

void scopes_pg(unsigned scopes, char *out, size_t outlen)
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

unsigned scopes_parse_pg(const char *literal)
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
			scopes |= scope_from_name(word);
	}
	return scopes;
}
