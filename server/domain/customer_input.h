/* customer_input.h - validation of PUT /v1/customers/{external_id} bodies. Pure code.
 *
 * PUT replaces every field the shop manages: an absent field becomes null (attributes
 * {}, tags []). */
#ifndef LOYALTYD_CUSTOMER_INPUT_H
#define LOYALTYD_CUSTOMER_INPUT_H

#include <jansson.h>

#define CUSTOMER_ATTRIBUTES_MAX_BYTES 16384
#define CUSTOMER_TAGS_MAX 64

struct customer_input {
	const char *email, *name, *phone; /* borrowed from the body, or NULL */
	char signup_at[32];               /* normalised RFC 3339, or "" */
	char birthday[11];                /* YYYY-MM-DD, or "" */
	char *attributes;                 /* compact JSON (malloc'd), or NULL */
	char *tags;                       /* PostgreSQL text[] literal (malloc'd), or NULL */
};

/* Validates body into in. Returns 0, or -1 with errors appended. Release with
 * customer_input_release() either way. */
int customer_input_parse(const json_t *body, struct customer_input *in, json_t *errors);

void customer_input_release(struct customer_input *in);

#endif
