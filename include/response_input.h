/* response_input.h - validation of POST /v1/surveys/{id}/responses bodies. Pure code:
 * no I/O. */
#ifndef LOYALTYD_RESPONSE_INPUT_H
#define LOYALTYD_RESPONSE_INPUT_H

#include <jansson.h>

#include "store_surveys.h"

#define RESPONSE_COMMENT_MAX 4000

/* Validates an answer to a survey of info's kind (score 0-10 for NPS, 1-5 for CSAT; at
 * most info->follow_ups answers) and fills in: its strings are borrowed from body;
 * in->answers is malloc'd (the caller frees it). Returns 0, or -1 with every bad field
 * appended to errors. */
int response_input_parse(const json_t *body, const struct survey_info *info,
                         struct response_input *in, json_t *errors);

#endif
