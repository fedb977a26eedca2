/* percent.h - shares in percent, as every report gives them. Pure code. */
#ifndef LOYALTYD_PERCENT_H
#define LOYALTYD_PERCENT_H

#include <stdbool.h>

/* part / whole × 100 rounded to 2 decimals (half away from zero) into *pct. False (no
 * figure: the report says null) when whole is 0 or less. */
bool percent_of(long long part, long long whole, double *pct);

#endif
