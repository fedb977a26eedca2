/* points.c - cash value. */
#include "domain/points.h"

#include <stdint.h>

#include "domain/money.h"

int points_cash_value(long long balance, const char *point_value, char *out)
{
	int64_t units; /* point_value in ten-thousandths */
	if (money_parse(point_value, false, &units) != 0)
		return -1;
	money_format((int64_t)balance * units, out);
	return 0;
}
