/* scope.h - what an API key may do (docs/DESIGN.md §4): scope bits, their names as the
 * API spells them, and their form in PostgreSQL (text[]). Pure code. */
#ifndef LOYALTYD_SCOPE_H
#define LOYALTYD_SCOPE_H

#include <jansson.h>
#include <stddef.h>

/* Scopes of an API key (docs/DESIGN.md §4). A route lists the scopes that may call it; a key holds
 * one or more. */
enum scope {
	SCOPE_RESPOND = 1 << 0,
	SCOPE_INGEST = 1 << 1,
	SCOPE_READ = 1 << 2,
	SCOPE_POINTS = 1 << 3,
	SCOPE_ADMIN = 1 << 4,
};
#define SCOPE_ALL (SCOPE_RESPOND | SCOPE_INGEST | SCOPE_READ | SCOPE_POINTS | SCOPE_ADMIN)

/* Returns the scope bit of a name ("read"), or 0 when unknown. */
unsigned scope_from_name(const char *name);

/* Returns a new JSON array of the names of the bits in scopes, in canonical order. */
json_t *scopes_json(unsigned scopes);

/* Writes scopes as a PostgreSQL text[] literal ("{ingest,read}") into out. */
void scopes_pg(unsigned scopes, char *out, size_t outlen);

/* Parses a PostgreSQL text[] literal of scope names. Unknown names are ignored. */
unsigned scopes_parse_pg(const char *literal);

#endif
