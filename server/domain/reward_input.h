/* reward_input.h - a reward of the catalogue as a client sends it (POST /v1/rewards, and
 * a PATCH merged onto the reward it changes), checked field by field into SQL parameters.
 * Pure code. */
#ifndef LOYALTYD_REWARD_INPUT_H
#define LOYALTYD_REWARD_INPUT_H

#include <jansson.h>

#include "domain/money.h"

/* The members a client may send (NULL-terminated). */
extern const char *const reward_input_fields[];

/* What a reward is, as text parameters: NULL is SQL NULL (absent or null: no limit, no
 * tier, no window bound, no expiry). Strings point into the parsed object or into the
 * struct itself, so it is valid while both live. */
struct reward_input {
	const char *name, *points_cost, *kind, *amount, *currency, *percent, *description, *tier;
	const char *starts_at, *ends_at, *stock, *per_customer_limit, *coupon_valid_days;
	const char *refund_on_expiry, *codes, *code_prefix, *code_length, *enabled;
	/* room for the numbers and decimals written as text */
	char buf_cost[24], buf_amount[MONEY_TEXT_MAX], buf_percent[MONEY_TEXT_MAX];
	char buf_stock[24], buf_limit[24], buf_days[24], buf_length[8];
};

/* Checks obj (a JSON object; unknown members are the caller's to refuse) and fills in:
 * name (1-200 characters) and points_cost (1 to 1,000,000,000) required; kind one of
 * fixed_amount (amount above 0 and currency required), percent (percent above 0 and at
 * most 100 required), free_shipping, gift (description required) and custom, and the
 * members of other kinds refused; the optional rest bounded. Every error is appended to
 * errors with its pointer. */
void reward_input_parse(const json_t *obj, struct reward_input *in, json_t *errors);

#endif
