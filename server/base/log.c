/* log.c - JSON lines on stderr. */
#include "base/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum log_level min_level = LOG_INFO;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(enum log_level level)
{
	min_level = level;
}

int log_enabled(enum log_level level)
{
	return level >= min_level;
}

/* Formats the current UTC time with milliseconds into when (at least 32 bytes). The
 * seconds part is cached per thread: gmtime_r and strftime run once a second. */
static void format_now(char *when)
{
	static __thread time_t cached_sec = -1;
	static __thread char cached[24];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != cached_sec) {
		struct tm tm;
		gmtime_r(&ts.tv_sec, &tm);
		strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S", &tm);
		cached_sec = ts.tv_sec;
	}
	snprintf(when, 32, "%.19s.%03dZ", cached, (int)(ts.tv_nsec / 1000000));
}

void log_access(const struct log_access *a)
{
	char line[512], method[16];
	size_t i;
	if (!log_enabled(LOG_INFO))
		return;
	/* Methods are client input: keep letters only, so the line stays valid JSON. */
	for (i = 0; a->method[i] && i < sizeof(method) - 1; i++) {
		char c = a->method[i];
		method[i] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ? c : '?';
	}
	method[i] = '\0';
	char when[32];
	format_now(when);
	int n =
	    snprintf(line, sizeof(line),
	             "{\"ts\":\"%s\",\"level\":\"info\",\"msg\":\"request\",\"method\":\"%s\","
	             "\"route\":\"%s\",\"status\":%d,\"duration_ms\":%.3f,\"request_id\":\"%s\","
	             "\"tenant\":\"%s\"%s}\n",
	             when, method, a->route, a->status, a->duration_ms, a->request_id, a->tenant,
	             a->aborted ? ",\"aborted\":true" : "");
	if (n > 0 && (size_t)n < sizeof(line)) {
		ssize_t w = write(STDERR_FILENO, line, (size_t)n);
		(void)w; /* nowhere to report a failed log write */
	}
}

void log_event(enum log_level level, const char *msg, json_t *fields)
{
	if (!log_enabled(level)) {
		json_decref(fields);
		return;
	}
	char when[32];
	format_now(when);

	json_t *line = json_object();
	json_object_set_new(line, "ts", json_string(when));
	json_object_set_new(line, "level", json_string(level_names[level]));
	json_object_set_new(line, "msg", json_string(msg ? msg : ""));
	if (fields)
		json_object_update(line, fields);
	json_decref(fields);
	char *text = json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(line);
	if (text) {
		fprintf(stderr, "%s\n", text);
		free(text);
	}
}

void log_msg(enum log_level level, const char *msg, const char *detail)
{
	json_t *fields = NULL;
	if (detail)
		fields = json_pack("{s:s}", "detail", detail);
	log_event(level, msg, fields);
}
