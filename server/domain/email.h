/* email.h - the one rule for an e-mail address, wherever one comes from (a customer PUT,
 * a Shopify or WooCommerce payload), and its normal form for matching. Pure code. */
#ifndef LOYALTYD_EMAIL_H
#define LOYALTYD_EMAIL_H

#include <stdbool.h>
#include <stddef.h>

#define EMAIL_MAX_BYTES 254 /* RFC 5321's limit on a forward path */

/* True for local@domain.tld: 3 to EMAIL_MAX_BYTES bytes of valid UTF-8, one '@' with
 * something before it, a domain with a '.' neither first nor last, no space or control
 * character. Deliberately not the whole of RFC 5322: what a shop can send mail to. */
bool email_valid(const char *email);

/* Writes email (valid) in lower case (ASCII letters; others as they are) into out
 * (EMAIL_MAX_BYTES + 1 bytes): the form two spellings of one address share. */
void email_lower(const char *email, char *out);

#endif
