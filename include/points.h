/* points.h - the pure rules of the points programme: tiers and cash value. */
#ifndef LOYALTYD_POINTS_H
#define LOYALTYD_POINTS_H

#include <jansson.h>

struct tier_position {
	const char *tier;      /* borrowed from the programme; NULL without a programme */
	const char *next_tier; /* NULL at the top */
	long long points_to_next;
};

/* Places a customer who earned `earned` points in the tier window among the programme's
 * tiers (ascending thresholds, the first at 0): the highest tier reached, or a higher one
 * named in granted (a JSON array of tier names from running memberships; may be NULL;
 * names the programme does not have are ignored). next_tier follows the tier placed;
 * points_to_next counts from earned. program may be NULL. */
void points_tier(const json_t *program, long long earned, const json_t *granted,
                 struct tier_position *out);

/* Writes balance × point_value (a decimal with at most 4 places) as an exact decimal with
 * at least 2 places ("12.34") into out (40 bytes). Returns 0, or -1 when point_value is
 * not such a decimal. */
int points_cash_value(long long balance, const char *point_value, char *out);

#endif
