/* webhook_map.h - what a verified Shopify or WooCommerce delivery means for loyaltyd.
 * Pure code: no I/O. A mapper reads the topic and the parsed payload and returns a
 * command (a new JSON object) that webhook_apply() in sql/migrations/0016_webhooks.sql
 * carries out:
 *
 *   {"type": "customer", "customer": C}
 *   {"type": "order", "customer": C | null, "order": O}
 *   {"type": "refund", "order": {"id", "refunds": R}}
 *   {"type": "redact", "customer_ids": [...], "order_ids": [...]}
 *   {"type": "data_request", "customer_ids": [...], "request_id": "..."}
 *   {"type": "shop_redact"}
 *   {"type": "ignored"}                       (a topic loyaltyd has no use for)
 *
 * C = {"id", "email", "name", "created_at", "updated_at"} with id the customer's external
 * id in loyaltyd: "shopify:<id>" / "woocommerce:<id>", or for a guest "<kind>:email:<email
 * in lower case>". O = {"id", "placed_at", "amount", "currency", "paid", "cancelled_at",
 * "cancel_reason", "refunds": R}; R = {"<refund id>": {"amount", "at"}}. Times are RFC 3339
 * UTC, amounts decimal strings, ids decimal text exactly as sent: Shopify's exceed 2^53 and
 * are read as 64-bit integers, never through a double. */
#ifndef LOYALTYD_WEBHOOK_MAP_H
#define LOYALTYD_WEBHOOK_MAP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

enum webhook_kind { WEBHOOK_SHOPIFY, WEBHOOK_WOOCOMMERCE };

#define WEBHOOK_DELIVERY_MAX 300 /* a delivery key's bytes */
#define WEBHOOK_ID_MAX 20        /* digits of a 64-bit id */

/* "shopify" or "woocommerce". */
const char *webhook_kind_name(enum webhook_kind kind);

/* Maps a Shopify delivery (X-Shopify-Topic, payload). Returns the command, or NULL with
 * every bad field appended to errors as {"pointer" (into the payload), "message"}. */
json_t *webhook_shopify_map(const char *topic, const json_t *payload, json_t *errors);

/* Maps a WooCommerce delivery (X-WC-Webhook-Topic, payload) like webhook_shopify_map.
 * WooCommerce gives every retry a new delivery id, so the key that makes a repeat a
 * duplicate is the resource, its id and its date_modified_gmt; it is written into
 * delivery (WEBHOOK_DELIVERY_MAX + 1 bytes; "" for an ignored topic). */
json_t *webhook_woocommerce_map(const char *topic, const json_t *payload, char *delivery,
                                json_t *errors);

/* ---- pieces shared by the two mappers (webhook_map.c) ---- */

/* Reads member key of obj as an id: a JSON integer ≥ 1 or a string of 1 to 20 digits
 * (not starting with 0), written as decimal text into out (WEBHOOK_ID_MAX + 1 bytes).
 * A JSON real is refused: it has lost the low digits of ids over 2^53. Returns true, or
 * false with an error at base/key (when required or present but bad). */
bool webhook_map_id(const json_t *obj, const char *key, const char *base, bool required, char *out,
                    json_t *errors);

/* Reads member key as a time: RFC 3339, or with naive_utc a WooCommerce *_gmt time
 * without offset ("2017-03-22T19:28:02"). 1970–2100. Writes RFC 3339 UTC into out (32
 * bytes). Returns 1 when set, 0 when absent or null (an error when required), -1 when bad
 * (an error). */
int webhook_map_time(const json_t *obj, const char *key, const char *base, bool naive_utc,
                     bool required, char *out, json_t *errors);

/* Builds C for a customer: id (already prefixed), optional email, first and last name
 * (joined, trimmed, cut at 200 characters), created_at and updated_at (RFC 3339 UTC or
 * NULL). An email that is not valid UTF-8 of 3 to 254 bytes with an '@' is left out. */
json_t *webhook_map_customer(const char *id, const char *email, const char *first, const char *last,
                             const char *created_at, const char *updated_at);

/* Writes the external id of a guest customer known only by email into out (129 bytes):
 * "<kind>:email:<email in lower case>", or, when that would pass 128 characters,
 * "<kind>:email-sha256:<hex SHA-256 of the lower-case email>". Returns false when the
 * email is unusable (see webhook_map_customer). */
bool webhook_map_guest_id(enum webhook_kind kind, const char *email, char *out);

/* True when a WooCommerce delivery's X-WC-Webhook-Source (the site URL WordPress sends,
 * "https://shop.example/") names the source's shop URL: the same host and path, compared
 * without case, scheme or trailing slashes. */
bool webhook_wc_same_shop(const char *shop, const char *source_header);

/* True when a Shopify order payload is a test order ("test": true, from a development
 * store or the Bogus gateway). */
bool webhook_shopify_is_test(const json_t *payload);

/* Returns the string member key of obj, or NULL when absent or not a string. */
const char *webhook_map_str(const json_t *obj, const char *key);

#endif
