-- E-shop webhooks: the shops a tenant connects (Shopify, WooCommerce), their signing
-- secrets, the deliveries already seen, and what is known of each order, so that
-- deliveries in any order end in the same events and points.

CREATE TABLE webhook_sources (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id         uuid NOT NULL DEFAULT gen_random_uuid(),
    kind       text NOT NULL CHECK (kind IN ('shopify', 'woocommerce')),
    shop       text NOT NULL CHECK (length(shop) BETWEEN 1 AND 255),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, kind)
);
COMMENT ON TABLE webhook_sources IS 'A shop that posts webhooks to a tenant; one per kind, since the webhook path names the tenant and the kind.';
COMMENT ON COLUMN webhook_sources.shop IS 'The shop''s domain (Shopify: example.myshopify.com, checked against X-Shopify-Shop-Domain) or URL (WooCommerce).';

CREATE TABLE webhook_secrets (
    tenant_id  uuid NOT NULL,
    source_id  uuid NOT NULL,
    id         uuid NOT NULL DEFAULT gen_random_uuid(),
    secret     text NOT NULL CHECK (length(secret) BETWEEN 8 AND 512),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, source_id) REFERENCES webhook_sources (tenant_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE webhook_secrets IS 'Signing secrets of a source (at most two: the old and the new while rotating); any one verifies a delivery.';
COMMENT ON COLUMN webhook_secrets.secret IS 'The shared HMAC key as the shop shows it; needed in clear to verify signatures, never returned by the API.';
CREATE INDEX webhook_secrets_source ON webhook_secrets (tenant_id, source_id, created_at);

CREATE TABLE webhook_deliveries (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind        text NOT NULL,
    delivery    text NOT NULL CHECK (length(delivery) BETWEEN 1 AND 300),
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, kind, delivery)
);
COMMENT ON TABLE webhook_deliveries IS 'Deliveries already applied, kept 7 days: a repeat answers 200 and changes nothing.';
COMMENT ON COLUMN webhook_deliveries.delivery IS 'Shopify: X-Shopify-Event-Id, else X-Shopify-Webhook-Id. WooCommerce: resource, id and date_modified_gmt (its delivery id changes on every retry).';
CREATE INDEX webhook_deliveries_age ON webhook_deliveries (tenant_id, received_at);

CREATE TABLE webhook_customers (
    tenant_id   uuid NOT NULL,
    customer_id bigint NOT NULL,
    version_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, customer_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE webhook_customers IS 'The shop''s updated_at of the customer version applied last: an older update arriving late changes nothing.';

CREATE TABLE webhook_orders (
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind          text NOT NULL,
    order_id      text NOT NULL CHECK (length(order_id) BETWEEN 1 AND 64),
    customer_id   bigint,
    placed_at     timestamptz,
    amount        numeric CHECK (amount >= 0),
    currency      char(3),
    cancelled_at  timestamptz,
    cancel_reason text,
    refunds       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(refunds) = 'object'),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, kind, order_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE,
    CHECK ((placed_at IS NULL) = (amount IS NULL) AND (amount IS NULL) = (currency IS NULL))
);
COMMENT ON TABLE webhook_orders IS 'What the deliveries told of one order, merged so that their order of arrival does not matter: events are derived from it.';
COMMENT ON COLUMN webhook_orders.amount IS 'The order''s total from the first delivery that showed it paid; null while it never was (it then earns nothing).';
COMMENT ON COLUMN webhook_orders.cancelled_at IS 'Set by the first delivery showing the order cancelled (WooCommerce: cancelled or refunded); what no refund has returned yet is then refunded.';
COMMENT ON COLUMN webhook_orders.refunds IS 'Refunds seen, by the shop''s refund id: {"amount": "…", "at": "…"}; the first sight of each one stands.';
CREATE INDEX webhook_orders_customer ON webhook_orders (tenant_id, customer_id);

-- Defined in sql/functions/ (re-created after the migrations on every migrate):
--   32_webhook_customer.sql
--   33_webhook_order_events.sql
--   34_webhook_apply.sql
--   35_webhook_source_json.sql
