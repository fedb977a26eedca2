/* fuzz_webhooks.c - a webhook delivery as loyaltyd sees it: the signature header checked
 * against the raw body under a Shopify and a WooCommerce (entity-decoded) secret, then the
 * body parsed and mapped for one of the topics. Input: one byte choosing the kind and
 * topic, 44 bytes of signature header, the body. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "domain/webhook_map.h"
#include "domain/webhook_sig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const topics[] = {
    "orders/create",          "orders/paid",      "orders/updated",   "orders/cancelled",
    "refunds/create",         "customers/create", "customers/update", "customers/redact",
    "customers/data_request", "shop/redact",      "order.created",    "order.updated",
    "customer.created",       "customer.updated", "app/uninstalled",  "action.woocommerce_x"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char header[WEBHOOK_SIG_B64_LEN + 1], secret[64];
	if (size < 1 + WEBHOOK_SIG_B64_LEN)
		return 0;
	const char *topic = topics[data[0] % (sizeof(topics) / sizeof(topics[0]))];
	memcpy(header, data + 1, WEBHOOK_SIG_B64_LEN);
	header[WEBHOOK_SIG_B64_LEN] = '\0';
	const char *body = (const char *)data + 1 + WEBHOOK_SIG_B64_LEN;
	size_t len = size - 1 - WEBHOOK_SIG_B64_LEN;
	(void)webhook_sig_verify("00000000000000000000000000000000", 32, body, len, header);
	size_t n =
	    webhook_sig_wc_secret("it&#039;s &amp; &#x27;ours&quot;", secret, sizeof(secret));
	(void)webhook_sig_verify(secret, n, body, len, header);
	/* the header bytes as a secret too: entity decoding of arbitrary text */
	char decoded[WEBHOOK_SIG_B64_LEN + 1];
	(void)webhook_sig_wc_secret(header, decoded, sizeof(decoded));

	json_t *payload = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	if (!payload)
		return 0;
	json_t *errors = json_array();
	char delivery[WEBHOOK_DELIVERY_MAX + 1];
	json_decref(webhook_shopify_map(topic, payload, errors));
	json_decref(webhook_woocommerce_map(topic, payload, delivery, errors));
	json_decref(errors);
	json_decref(payload);
	return 0;
}
