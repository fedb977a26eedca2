/* store_surveys.h - surveys and their answers in PostgreSQL, always within one tenant.
 * Texts returned are JSON the database rendered (survey_json(), survey_response_json()),
 * malloc'd: the caller frees them or hands them to http_reply_owned(). */
#ifndef LOYALTYD_STORE_SURVEYS_H
#define LOYALTYD_STORE_SURVEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/page.h"
#include "domain/response_input.h"
#include "store/db.h"

/* Creates a survey; follow_ups is a JSON array text of question strings. */
__attribute__((warn_unused_result)) enum db_status
surveys_create(struct pool *pool, const char *tenant_id, const char *kind, const char *name,
               const char *question, const char *follow_ups, char **json);

/* *json is the survey with its response count, or NULL when the tenant has no such
 * survey; info (may be NULL) receives its kind and follow-up count. */
__attribute__((warn_unused_result)) enum db_status surveys_get(struct pool *pool,
                                                               const char *tenant_id,
                                                               const char *id, char **json,
                                                               struct survey_info *info);

/* One page of surveys in creation order; after_seq is the cursor payload or NULL. */
__attribute__((warn_unused_result)) enum db_status
surveys_list(struct pool *pool, const char *tenant_id, const char *after_seq, int limit,
             const char *cursor_scope, char **page, size_t *len);

enum response_outcome {
	RESPONSE_STORED,   /* a new answer */
	RESPONSE_REPLAYED, /* the same answer with the same client id was stored before */
	RESPONSE_CONFLICT, /* another answer has that client id: nothing changed or shown */
};

/* Stores one answer (creating its customer on first sight). *json is the stored answer
 * when *outcome is RESPONSE_STORED or RESPONSE_REPLAYED, else NULL. */
__attribute__((warn_unused_result)) enum db_status
responses_create(struct pool *pool, const char *tenant_id, const char *survey_id, const char *kind,
                 const struct response_input *in, enum response_outcome *outcome, char **json);

struct response_filter {
	const char *score_min, *score_max; /* from the category */
	const char *has_comment;           /* "true", "false" or NULL */
	const char *channel, *q;
	struct time_page page; /* the cursor: responded_at and id of the last answer seen */
};

/* One page of a survey's answers, newest first. */
__attribute__((warn_unused_result)) enum db_status
responses_list(struct pool *pool, const char *tenant_id, const char *survey_id, const char *kind,
               const struct response_filter *f, char **page, size_t *len);

#endif
