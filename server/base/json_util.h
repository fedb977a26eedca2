/* json_util.h - pure helpers over jansson values, shared by every layer. */
#ifndef LOYALTYD_JSON_UTIL_H
#define LOYALTYD_JSON_UTIL_H

#include <jansson.h>

/* Returns the nesting depth of json (a scalar is 0, [] is 1). */
int json_depth(const json_t *json);

/* Appends {"pointer", "message"} to errors, the array of a validation problem (RFC 9457
 * with RFC 6901 pointers: problem.h answers it). */
void json_error_add(json_t *errors, const char *pointer, const char *message);

#endif
