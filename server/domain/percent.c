/* percent.c - shares in percent. */
#include "domain/percent.h"

#include <math.h>

bool percent_of(long long part, long long whole, double *pct)
{
	if (whole <= 0)
		return false;
	*pct = round((double)part * 10000.0 / (double)whole) / 100.0;
	return true;
}
