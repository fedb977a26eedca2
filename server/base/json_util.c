/* json_util.c - pure helpers over jansson values. */
#include "base/json_util.h"

int json_depth(const json_t *json)
{
	int deepest = 0;
	if (json_is_object(json)) {
		const char *key;
		json_t *v;
		json_object_foreach ((json_t *)json, key, v) {
			int d = json_depth(v);
			if (d > deepest)
				deepest = d;
		}
		return deepest + 1;
	}
	if (json_is_array(json)) {
		size_t i;
		json_t *v;
		json_array_foreach (json, i, v) {
			int d = json_depth(v);
			if (d > deepest)
				deepest = d;
		}
		return deepest + 1;
	}
	return 0;
}

void json_error_add(json_t *errors, const char *pointer, const char *message)
{
	json_array_append_new(errors,
	                      json_pack("{s:s, s:s}", "pointer", pointer, "message", message));
}
