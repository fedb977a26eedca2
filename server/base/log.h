/* log.h - one JSON object per line on stderr.
 *
 * Fields are a jansson object the caller builds; log_event() adds "ts", "level" and
 * "msg". Internals (SQLSTATEs, libpq messages) are logged here and never sent to clients. */
#ifndef LOYALTYD_LOG_H
#define LOYALTYD_LOG_H

#include <jansson.h>

#include "base/config.h"

/* Sets the lowest level written; called once at start-up. */
void log_set_level(enum log_level level);

/* Returns true when a line of this level would be written. */
int log_enabled(enum log_level level);

/* Writes one line. Steals fields (may be NULL), even when the level is filtered out. */
void log_event(enum log_level level, const char *msg, json_t *fields);

/* One access-log line, written without allocating: the hot path of every request. */
struct log_access {
	const char *method; /* as sent by the client; escaped here */
	const char *route;  /* a route pattern or "unmatched" */
	int status;         /* 0 when the connection closed before a reply */
	double duration_ms;
	const char *request_id; /* [A-Za-z0-9._:-] only (http.c guarantees it) */
	const char *tenant;     /* a UUID or "" */
	int aborted;            /* the request did not complete */
};

/* Writes {"ts","level":"info","msg":"request",...} with a single write(2). */
void log_access(const struct log_access *a);

/* Shorthand: a line with msg and, when non-NULL, a "detail" string. */
void log_msg(enum log_level level, const char *msg, const char *detail);

#endif
