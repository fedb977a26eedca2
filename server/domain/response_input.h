/* response_input.h - validation of POST /v1/surveys/{id}/responses bodies. Pure code:
 * no I/O. */
#ifndef LOYALTYD_RESPONSE_INPUT_H
#define LOYALTYD_RESPONSE_INPUT_H

#include <jansson.h>

#include <stdint.h>

#define RESPONSE_COMMENT_MAX 4000

/* What a survey asks: the answers are checked against it. */
struct survey_info {
	char kind[8];   /* "nps" or "csat" */
	int follow_ups; /* number of follow-up questions */
};

/* One answer to a survey, checked (response_input_parse) and ready to store. */
struct response_input {
	const char *client_id, *customer_id; /* NULL: none / anonymous */
	const char *customer_hash;           /* proof of customer_id (identity.h), or NULL */
	char score[4];
	const char *comment;
	const char *channel;
	char *answers;         /* JSON array text (malloc'd by the caller) */
	char responded_at[32]; /* "" = now */
	int64_t responded_us;  /* responded_at in microseconds since 1970, when given */
};

/* Validates an answer to a survey of info's kind (score 0-10 for NPS, 1-5 for CSAT; at
 * most info->follow_ups answers) and fills in: its strings are borrowed from body;
 * in->answers is malloc'd (the caller frees it). Returns 0, or -1 with every bad field
 * appended to errors. */
int response_input_parse(const json_t *body, const struct survey_info *info,
                         struct response_input *in, json_t *errors);

#endif
