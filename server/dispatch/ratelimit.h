/* ratelimit.h - token buckets: requests per API key, and failed authentications per
 * client address.
 *
 * A bucket holds up to burst tokens and gains rate tokens a second; a request takes one.
 * Buckets live in a fixed table of RATELIMIT_SLOTS (direct-mapped by a hash of their
 * name, each slot with its own lock): a name whose slot another name took starts over
 * with a full bucket, so the table never grows and a lookup never waits on another slot.
 * The limits are per loyaltyd process. */
#ifndef LOYALTYD_RATELIMIT_H
#define LOYALTYD_RATELIMIT_H

#include <stdbool.h>

#define RATELIMIT_SLOTS 8192
#define RATELIMIT_NAME_MAX 63

struct bucket {
	double tokens;
	double at; /* seconds (monotonic) of the last refill */
};

/* Refills b for the time since its last refill (at most burst tokens), then takes one
 * token when there is one. Returns 0 when it was taken, else the seconds until one will
 * be there. Pure: for the table and for tests. */
double ratelimit_take(struct bucket *b, double now, double rate, double burst);

/* Like ratelimit_take, but takes nothing: 0 when a token is there, else the seconds until
 * one will be. */
double ratelimit_peek(struct bucket *b, double now, double rate, double burst);

enum ratelimit_kind { RATELIMIT_KEY, RATELIMIT_AUTH_FAILURE };

/* Takes a token from the bucket of name (a key id, a client address) in the table of
 * kind. Returns 0 when allowed, else the seconds to wait (for Retry-After). rate <= 0
 * means no limit. */
double ratelimit_hit(enum ratelimit_kind kind, const char *name, double rate, double burst);

/* Returns the seconds until the bucket of name has a token (0: it has one now), taking
 * nothing. */
double ratelimit_check(enum ratelimit_kind kind, const char *name, double rate, double burst);

#endif
