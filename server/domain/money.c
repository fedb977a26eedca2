/* money.c - exact decimal amounts. */
#include "domain/money.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MONEY_SHAPE "must be a decimal with at most 13 digits before and 4 after the point"

int money_parse(const char *text, bool allow_negative, int64_t *units)
{
	const char *p = text;
	bool negative = *p == '-';
	int64_t whole = 0, frac = 0;
	int intdigits = 0, fracdigits = 0;
	if (negative && !allow_negative)
		return -1;
	if (negative)
		p++;
	while (*p >= '0' && *p <= '9' && intdigits <= MONEY_INT_DIGITS) {
		whole = whole * 10 + (*p++ - '0');
		intdigits++;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9' && fracdigits <= MONEY_FRAC_DIGITS) {
			frac = frac * 10 + (*p++ - '0');
			fracdigits++;
		}
		if (fracdigits == 0)
			return -1; /* "12." is not a decimal */
	}
	if (*p != '\0' || intdigits == 0 || intdigits > MONEY_INT_DIGITS ||
	    fracdigits > MONEY_FRAC_DIGITS)
		return -1;
	for (int i = fracdigits; i < MONEY_FRAC_DIGITS; i++)
		frac *= 10;
	*units = (whole * MONEY_SCALE + frac) * (negative ? -1 : 1);
	return 0;
}

void money_format(int64_t units, char *out)
{
	bool negative = units < 0;
	uint64_t u = negative ? (uint64_t)0 - (uint64_t)units : (uint64_t)units;
	char frac[8];
	snprintf(frac, sizeof(frac), "%04" PRIu64, u % MONEY_SCALE);
	int keep = MONEY_FRAC_DIGITS; /* at least 2 places, no trailing zero after them */
	while (keep > 2 && frac[keep - 1] == '0')
		keep--;
	snprintf(out, MONEY_TEXT_MAX, "%s%" PRIu64 ".%.*s", negative ? "-" : "", u / MONEY_SCALE,
	         keep, frac);
}

const char *money_from_json(const json_t *v, char *out)
{
	char text[MONEY_TEXT_MAX];
	int64_t units;
	if (json_is_string(v)) {
		if (json_string_length(v) >= sizeof(text))
			return MONEY_SHAPE;
		snprintf(text, sizeof(text), "%s", json_string_value(v));
	} else if (json_is_integer(v)) {
		snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		double d = json_real_value(v);
		if (!isfinite(d) || d < 0 || d >= 1e13)
			return MONEY_SHAPE;
		/* 15 significant digits round-trip what the client wrote (19.99 → "19.99") */
		snprintf(text, sizeof(text), "%.15g", d);
	} else {
		return "must be a decimal string such as \"19.99\" or a number";
	}
	if (text[0] == '-')
		return "must be 0 or more";
	if (money_parse(text, false, &units) != 0)
		return MONEY_SHAPE;
	memcpy(out, text, strlen(text) + 1);
	return NULL;
}
