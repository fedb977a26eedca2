/* periodic.h - a background thread that runs one task every so many seconds, until
 * stopped (the points expiry, the daily evaluation of outbound events). */
#ifndef LOYALTYD_PERIODIC_H
#define LOYALTYD_PERIODIC_H

struct periodic;

/* Starts a thread that calls run(arg) every interval_s seconds, the first time after one
 * interval (interval_s <= 0: no thread; *out is then NULL). Returns 0 or -1. */
__attribute__((warn_unused_result)) int periodic_start(struct periodic **out, long interval_s,
                                                       void (*run)(void *arg), void *arg);

/* Stops the thread (waiting for a run it is in) and frees it. p may be NULL. */
void periodic_stop(struct periodic *p);

#endif
