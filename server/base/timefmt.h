/* timefmt.h - strict parsing of the API's times: RFC 3339 timestamps and ISO dates.
 * Pure code. Times are returned as microseconds since 1970-01-01T00:00:00Z. */
#ifndef LOYALTYD_TIMEFMT_H
#define LOYALTYD_TIMEFMT_H

#include <stdbool.h>
#include <stdint.h>

/* Earliest and first-after-latest instants accepted anywhere (docs/DESIGN.md §7: 1970–2100). */
#define TIMEFMT_MIN_US INT64_C(0)
#define TIMEFMT_END_US INT64_C(4133980800000000) /* 2101-01-01T00:00:00Z */

/* Parses "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)" (T or t, Z or z; up to 9 fraction digits,
 * truncated to microseconds). Returns 0 with *us set, or -1 when malformed or not a real
 * calendar time. Does not check the 1970–2100 range. */
int timefmt_parse_rfc3339(const char *s, int64_t *us);

/* Parses "YYYY-MM-DD" into the microseconds of its midnight UTC. Returns 0 or -1. */
int timefmt_parse_date(const char *s, int64_t *us);

/* Returns true when us is within [1970-01-01, 2101-01-01). */
bool timefmt_in_range(int64_t us);

/* Formats us as "YYYY-MM-DDTHH:MM:SS.ffffffZ" into out (at least 28 bytes). */
void timefmt_format(int64_t us, char *out);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1–12). */
int64_t timefmt_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
