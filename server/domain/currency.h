/* currency.h - ISO 4217 currency codes. */
#ifndef LOYALTYD_CURRENCY_H
#define LOYALTYD_CURRENCY_H

#include <stdbool.h>

/* Returns true when code is an active ISO 4217 alphabetic code ("EUR"), upper case. */
bool currency_is_valid(const char *code);

#endif
