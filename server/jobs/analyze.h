/* analyze.h - fresh planner statistics after large imports.
 *
 * A shop that loads its history and opens its reports at once would meet plans built on
 * statistics from before the load (a fresh table: a guess of a few rows), which turned a
 * 36 ms report into a 30 s timeout (bench/RESULTS.md). Autovacuum corrects that within a
 * minute; this task does it as soon as ingest has stored `every` events since the last
 * time: a background thread runs ANALYZE on the tables the reports read. */
#ifndef LOYALTYD_ANALYZE_H
#define LOYALTYD_ANALYZE_H

#include "store/db.h"

struct analyzer;

/* Starts the task on pool (every 0: never; *out is then NULL). Returns 0 or -1. */
__attribute__((warn_unused_result)) int analyzer_start(struct analyzer **out, struct pool *pool,
                                                       long every);

/* Counts events stored; wakes the task when `every` have been since its last run. a may
 * be NULL. */
void analyzer_note(struct analyzer *a, long events);

/* Stops the task (finishing an ANALYZE it is in) and frees it. a may be NULL. */
void analyzer_stop(struct analyzer *a);

#endif
