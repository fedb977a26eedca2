/* validate.h - checking JSON input field by field, collecting every error with its JSON
 * pointer (RFC 6901) so one 422 names all bad fields at once.
 *
 * errors is a JSON array owned by the caller; each failure appends {"pointer","message"}.
 * Getters return borrowed values (valid while the input object lives) or NULL/default. */
#ifndef LOYALTYD_VALIDATE_H
#define LOYALTYD_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Writes base + "/" + key (escaped per RFC 6901) into out. */
void validate_pointer(char *out, size_t outlen, const char *base, const char *key);

/* Returns true when s is well-formed UTF-8: no overlong forms, no surrogates, nothing
 * above U+10FFFF. */
bool validate_utf8(const char *s);

/* Counts the Unicode code points of a valid UTF-8 string. */
size_t validate_utf8_chars(const char *s);

/* Appends "unknown field" for every member of obj whose name is not in allowed (a
 * NULL-terminated list). Returns the number of unknown members. */
size_t validate_known_fields(const json_t *obj, const char *const *allowed, const char *base,
                             json_t *errors);

/* Returns the string member key when it is a string of min..max characters; NULL and an
 * error when it is of another type or length, or when absent and required. */
const char *validate_string(const json_t *obj, const char *key, const char *base, size_t min_chars,
                            size_t max_chars, bool required, json_t *errors);

/* Requires obj to be a JSON object; appends an error at base otherwise. */
bool validate_object(const json_t *obj, const char *base, json_t *errors);

#endif
