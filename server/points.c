/* points.c - cash value. */
#include "points.h"

#include <stdio.h>
#include <string.h>

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
