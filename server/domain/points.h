/* points.h - the pure arithmetic of the points programme: cash value. (Tiers are placed
 * in PostgreSQL by program_tier(), where ingest, reports and the dry run need them.) */
#ifndef LOYALTYD_POINTS_H
#define LOYALTYD_POINTS_H

/* Writes balance × point_value (a decimal with at most 4 places) as an exact decimal with
 * at least 2 places ("12.34") into out (40 bytes). Returns 0, or -1 when point_value is
 * not such a decimal. */
int points_cash_value(long long balance, const char *point_value, char *out);

#endif
