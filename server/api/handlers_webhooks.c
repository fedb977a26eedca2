/* handlers_webhooks.c - POST /v1/webhooks/shopify/{tenant_id} and
 * /v1/webhooks/woocommerce/{tenant_id}: deliveries from e-shops.
 *
 * No API key: the signature proves the sender. It is checked on the raw body bytes
 * against the secrets of the tenant's source before anything is parsed (401 when absent
 * or wrong); then the payload is mapped (webhook_map.h) and applied once per delivery
 * (store_webhooks.h). Topics loyaltyd has no use for answer 200, so that a shop never
 * disables the webhook for them; so does a repeat, and WooCommerce's unsigned ping. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/handlers.h"
#include "domain/webhook_map.h"
#include "domain/webhook_sig.h"
#include "http/body_json.h"
#include "http/http.h"
#include "http/metrics.h"
#include "http/problem.h"
#include "jobs/analyze.h"
#include "store/store_webhooks.h"

#define DELIVERY_ID_MAX 200

static enum step answer(struct request *req, enum webhook_kind kind, enum metrics_webhook result,
                        const char *status, long stored)
{
	metrics_observe_webhook(kind, result);
	return http_reply_json(
	    req, 200,
	    json_pack("{s:s, s:I}", "status", status, "events_stored", (json_int_t)stored));
}

static enum step refuse(struct request *req, enum webhook_kind kind, const char *detail)
{
	metrics_observe_webhook(kind, METRICS_WEBHOOK_UNAUTHORIZED);
	return problem_reply(req, 401, "bad-signature", detail);
}

/* WooCommerce's ping when a webhook is saved: the form body webhook_id=N, unsigned. */
static bool is_wc_ping(const struct request *req)
{
	static const char prefix[] = "webhook_id=";
	size_t n = req->body.len, p = sizeof(prefix) - 1;
	if (n <= p || n > p + WEBHOOK_ID_MAX || memcmp(req->body.data, prefix, p) != 0)
		return false;
	for (size_t i = p; i < n; i++)
		if (req->body.data[i] < '0' || req->body.data[i] > '9')
			return false;
	return true;
}

/* True when one of the source's secrets signed the body. */
static bool signed_by(const struct webhook_keys *keys, enum webhook_kind kind,
                      const struct request *req, const char *signature)
{
	bool ok = false;
	for (size_t i = 0; i < keys->n; i++) {
		const char *secret = keys->secret[i];
		char wc[WEBHOOK_SECRET_MAX_BYTES + 1];
		size_t len = strlen(secret);
		if (kind == WEBHOOK_WOOCOMMERCE) {
			len = webhook_sig_wc_secret(secret, wc, sizeof(wc));
			secret = wc;
		}
		/* every secret is tried, so the time taken does not tell which one matched */
		ok |= webhook_sig_verify(secret, len, req->body.data, req->body.len, signature);
	}
	return ok;
}

/* The delivery key of a Shopify delivery: its event id, else its webhook id. */
static const char *shopify_delivery(struct request *req, char *out, size_t cap)
{
	const char *id = http_request_header(req, "X-Shopify-Event-Id");
	const char *kind = "event";
	if (!id || !id[0]) {
		id = http_request_header(req, "X-Shopify-Webhook-Id");
		kind = "webhook";
	}
	if (!id || !id[0] || strlen(id) > DELIVERY_ID_MAX)
		return NULL;
	for (const char *c = id; *c; c++)
		if ((unsigned char)*c < ' ' || *c == 0x7f)
			return NULL;
	snprintf(out, cap, "%s:%s", kind, id);
	return out;
}

static enum step deliver(struct request *req, enum webhook_kind kind)
{
	struct webhook_keys keys;
	char delivery[WEBHOOK_DELIVERY_MAX + 1] = "";
	const char *tenant = handlers_uuid(req, "tenant_id", "no such webhook endpoint");
	if (!tenant)
		return STEP_ANSWERED;
	const char *wc_source = http_request_header(req, "X-WC-Webhook-Source");
	if (kind == WEBHOOK_WOOCOMMERCE && is_wc_ping(req)) {
		/* unsigned, so it proves nothing: it is answered 200 only where a WooCommerce
		 * source of that shop is configured (else the shop learns nothing either) */
		enum db_status st = webhook_keys_get(req->app->pool, tenant, kind, &keys);
		if (st != DB_OK)
			return problem_db(req, st);
		if (keys.n == 0 || (wc_source && !webhook_wc_same_shop(keys.shop, wc_source)))
			return problem_reply(req, 404, "not-found", "no such webhook endpoint");
		return answer(req, kind, METRICS_WEBHOOK_PING, "ping", 0);
	}
	const char *signature = http_request_header(
	    req, kind == WEBHOOK_SHOPIFY ? "X-Shopify-Hmac-Sha256" : "X-WC-Webhook-Signature");
	if (!signature)
		return refuse(req, kind, "the delivery carries no signature header");
	enum db_status st = webhook_keys_get(req->app->pool, tenant, kind, &keys);
	if (st != DB_OK)
		return problem_db(req, st);
	if (!signed_by(&keys, kind, req, signature))
		return refuse(req, kind,
		              "the signature does not match the body under any secret "
		              "of this webhook source");
	const char *shop = http_request_header(req, "X-Shopify-Shop-Domain");
	if ((kind == WEBHOOK_SHOPIFY && shop && strcasecmp(shop, keys.shop) != 0) ||
	    (kind == WEBHOOK_WOOCOMMERCE && wc_source &&
	     !webhook_wc_same_shop(keys.shop, wc_source)))
		return refuse(req, kind, "the delivery comes from another shop than this source's");

	json_t *payload = http_body_json(req);
	if (!payload) {
		metrics_observe_webhook(kind, METRICS_WEBHOOK_INVALID);
		return STEP_ANSWERED;
	}
	json_t *errors = handlers_errors(), *cmd;
	const char *topic = http_request_header(
	    req, kind == WEBHOOK_SHOPIFY ? "X-Shopify-Topic" : "X-WC-Webhook-Topic");
	if (kind == WEBHOOK_SHOPIFY && !keys.count_test_orders &&
	    webhook_shopify_is_test(payload)) {
		/* a development store's or the Bogus gateway's order: no purchase */
		json_decref(payload);
		json_decref(errors);
		return answer(req, kind, METRICS_WEBHOOK_IGNORED, "ignored", 0);
	}
	if (kind == WEBHOOK_SHOPIFY)
		cmd = webhook_shopify_map(topic, payload, errors);
	else
		cmd = webhook_woocommerce_map(topic, payload, delivery, errors);
	json_decref(payload);
	if (!cmd) {
		metrics_observe_webhook(kind, METRICS_WEBHOOK_INVALID);
		return problem_invalid(req, errors);
	}
	json_decref(errors);
	if (strcmp(json_string_value(json_object_get(cmd, "type")), "ignored") == 0) {
		json_decref(cmd);
		return answer(req, kind, METRICS_WEBHOOK_IGNORED, "ignored", 0);
	}
	const char *key =
	    kind == WEBHOOK_SHOPIFY ? shopify_delivery(req, delivery, sizeof(delivery)) : delivery;
	enum webhook_outcome outcome;
	long stored = 0;
	st = webhook_deliver(req->app->pool, tenant, kind, key && key[0] ? key : NULL, cmd,
	                     &outcome, &stored);
	json_decref(cmd);
	if (st != DB_OK) {
		metrics_observe_webhook(kind, METRICS_WEBHOOK_FAILED);
		return problem_db(req, st);
	}
	analyzer_note(req->app->analyze, stored);
	if (outcome == WEBHOOK_DUPLICATE)
		return answer(req, kind, METRICS_WEBHOOK_DUPLICATE, "duplicate", 0);
	return answer(req, kind, METRICS_WEBHOOK_PROCESSED, "processed", stored);
}

enum step handle_webhook_shopify(struct request *req)
{
	return deliver(req, WEBHOOK_SHOPIFY);
}

enum step handle_webhook_woocommerce(struct request *req)
{
	return deliver(req, WEBHOOK_WOOCOMMERCE);
}
