/* points.c - tiers and cash value. */
#include "points.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool is_granted(const json_t *granted, const char *name)
{
	size_t i;
	json_t *g;
	json_array_foreach (granted, i, g) {
		if (json_is_string(g) && strcmp(json_string_value(g), name) == 0)
			return true;
	}
	return false;
}

void points_tier(const json_t *program, long long earned, const json_t *granted,
                 struct tier_position *out)
{
	json_t *tiers = json_object_get(program, "tiers");
	size_t n = json_array_size(tiers), placed = 0;
	bool any = false;
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_array_get(tiers, i);
		long long threshold =
		    (long long)json_integer_value(json_object_get(t, "threshold"));
		const char *name = json_string_value(json_object_get(t, "name"));
		if (threshold <= earned || (name && is_granted(granted, name))) {
			placed = i;
			any = true;
		}
	}
	if (!any)
		return;
	out->tier = json_string_value(json_object_get(json_array_get(tiers, placed), "name"));
	if (placed + 1 < n) {
		json_t *next = json_array_get(tiers, placed + 1);
		long long threshold =
		    (long long)json_integer_value(json_object_get(next, "threshold"));
		out->next_tier = json_string_value(json_object_get(next, "name"));
		out->points_to_next = threshold > earned ? threshold - earned : 0;
	}
}

int points_cash_value(long long balance, const char *point_value, char *out)
{
	long long units = 0; /* point_value in 1/10000 */
	int decimals = -1;
	for (const char *p = point_value; *p; p++) {
		if (*p == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || decimals == 4 || units > 100000000000000LL)
			return -1;
		units = units * 10 + (*p - '0');
		if (decimals >= 0)
			decimals++;
	}
	for (int d = decimals < 0 ? 0 : decimals; d < 4; d++)
		units *= 10;
	long long total = balance * units; /* in 1/10000 */
	char frac[8];
	snprintf(frac, sizeof(frac), "%04lld", total % 10000);
	/* keep at least 2 places, drop trailing zeros after them */
	int keep = 4;
	while (keep > 2 && frac[keep - 1] == '0')
		keep--;
	snprintf(out, 40, "%lld.%.*s", total / 10000, keep, frac);
	return 0;
}
