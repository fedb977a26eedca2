/* money.h - exact decimal amounts: money is a decimal text, never a double
 * (docs/conventions.md). One rule for every amount the service reads (events, webhook
 * payloads, the programme's point value): at most 13 digits before the point and 4 after
 * it; sums are kept in ten-thousandths (int64). Pure code. */
#ifndef LOYALTYD_MONEY_H
#define LOYALTYD_MONEY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define MONEY_SCALE 10000   /* ten-thousandths in a whole unit: 4 decimals */
#define MONEY_INT_DIGITS 13 /* digits before the point */
#define MONEY_FRAC_DIGITS 4 /* digits after it */
#define MONEY_TEXT_MAX 32   /* room for any amount's text, sign and NUL included */

/* Parses a decimal ("19.99", "5", "0.0125"; with allow_negative also "-10.00") of at most
 * MONEY_INT_DIGITS and MONEY_FRAC_DIGITS digits into ten-thousandths. "12.", ".5", "+1",
 * "1e3" and spaces are refused. Returns 0 with *units set, or -1. */
int money_parse(const char *text, bool allow_negative, int64_t *units);

/* Writes ten-thousandths as a decimal with 2 to 4 places, dropping trailing zeros past
 * the second ("85.00", "3.75", "0.125", "0.0125", "-10.00") into out (MONEY_TEXT_MAX). */
void money_format(int64_t units, char *out);

/* Checks an amount as a client sends it (a decimal string, or a JSON number written back
 * with 15 significant digits, so 19.99 stays "19.99"), at least 0, and writes its text as
 * written into out (MONEY_TEXT_MAX). Returns NULL, or the message of the refusal. */
const char *money_from_json(const json_t *v, char *out);

#endif
