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

-- Creates or updates a customer from a webhook and returns its id. c is {"id" (the
-- external id), "email", "name", "created_at", "updated_at"}. A customer topic
-- (authoritative) replaces email and name unless an update with a later updated_at was
-- applied already; a customer seen inside an order only fills what is still empty.
CREATE FUNCTION webhook_customer(t uuid, c jsonb, authoritative boolean) RETURNS bigint
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    cid bigint;
    version timestamptz := (c->>'updated_at')::timestamptz;
    applied timestamptz;
BEGIN
    INSERT INTO customers (tenant_id, external_id, email, name, signup_at)
    VALUES (t, c->>'id', c->>'email', c->>'name', (c->>'created_at')::timestamptz)
    ON CONFLICT (tenant_id, external_id) DO NOTHING
    RETURNING id INTO cid;
    IF cid IS NULL THEN
        SELECT cu.id INTO cid FROM customers cu
        WHERE cu.tenant_id = t AND cu.external_id = c->>'id' FOR NO KEY UPDATE;
        SELECT w.version_at INTO applied FROM webhook_customers w
        WHERE w.tenant_id = t AND w.customer_id = cid;
        IF authoritative AND (version IS NULL OR applied IS NULL OR version >= applied) THEN
            UPDATE customers SET email = c->>'email', name = c->>'name',
                   signup_at = coalesce(signup_at, (c->>'created_at')::timestamptz),
                   updated_at = now()
            WHERE tenant_id = t AND id = cid;
        ELSIF NOT authoritative THEN
            UPDATE customers SET email = coalesce(email, c->>'email'),
                   name = coalesce(name, c->>'name'),
                   signup_at = coalesce(signup_at, (c->>'created_at')::timestamptz)
            WHERE tenant_id = t AND id = cid
              AND (email IS NULL OR name IS NULL OR signup_at IS NULL);
        END IF;
    END IF;
    IF authoritative AND version IS NOT NULL THEN
        INSERT INTO webhook_customers AS w (tenant_id, customer_id, version_at)
        VALUES (t, cid, version)
        ON CONFLICT (tenant_id, customer_id) DO UPDATE
        SET version_at = greatest(w.version_at, EXCLUDED.version_at);
    END IF;
    RETURN cid;
END;
$$;

-- The events an order's merged state calls for (see webhook_apply): the order, once it was
-- paid; each refund seen, in time order, never past what is left of the order; and, once
-- the order is cancelled, a refund of what is left. Events already stored are left out
-- (by their client ids) and so are refunds of nothing left. Each is {"t", "j", …} as
-- events_insert takes them.
CREATE FUNCTION webhook_order_events(t uuid, src text, o webhook_orders) RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    ext text;
    evs jsonb;
    remaining numeric;
    take numeric;
    r record;
BEGIN
    IF o.amount IS NULL OR o.customer_id IS NULL THEN
        RETURN '[]';
    END IF;
    SELECT cu.external_id INTO ext FROM customers cu WHERE cu.tenant_id = t AND cu.id = o.customer_id;
    evs := jsonb_build_array(jsonb_build_object(
        't', t, 'j', 0, 'id', src || ':order:' || o.order_id, 'customer_id', ext,
        'type', 'order', 'occurred_at', rfc3339(o.placed_at), 'amount', o.amount::text,
        'currency', o.currency, 'order_id', o.order_id,
        'properties', jsonb_build_object('source', src)));
    SELECT o.amount - coalesce(sum(e.amount), 0) INTO remaining
    FROM events e
    WHERE e.tenant_id = t AND e.order_id = o.order_id AND e.type = 'refund'
      AND starts_with(e.client_id, src || ':');
    FOR r IN
        SELECT x.key AS id, (x.value->>'amount')::numeric AS amount,
               (x.value->>'at')::timestamptz AS at
        FROM jsonb_each(o.refunds) AS x
        WHERE NOT EXISTS (SELECT 1 FROM events e
                          WHERE e.tenant_id = t AND e.client_id = src || ':refund:' || x.key)
        ORDER BY 3, 1
    LOOP
        take := least(r.amount, remaining);
        CONTINUE WHEN take <= 0;
        remaining := remaining - take;
        evs := evs || jsonb_build_object(
            't', t, 'j', 0, 'id', src || ':refund:' || r.id, 'customer_id', ext,
            'type', 'refund', 'occurred_at', rfc3339(greatest(r.at, o.placed_at)),
            'amount', take::text, 'currency', o.currency, 'order_id', o.order_id,
            'properties', jsonb_build_object('source', src, 'refund_id', r.id));
    END LOOP;
    IF o.cancelled_at IS NOT NULL AND remaining > 0 THEN
        evs := evs || jsonb_build_object(
            't', t, 'j', 0, 'id', src || ':cancel:' || o.order_id, 'customer_id', ext,
            'type', 'refund', 'occurred_at', rfc3339(greatest(o.cancelled_at, o.placed_at)),
            'amount', remaining::text, 'currency', o.currency, 'order_id', o.order_id,
            'properties', jsonb_build_object('source', src, 'reason', coalesce(o.cancel_reason, 'cancelled')));
    END IF;
    RETURN evs;
END;
$$;

-- Applies one verified, mapped delivery of source kind src for tenant t, once: a delivery
-- key seen in the last 7 days answers {"outcome": "duplicate"} and changes nothing
-- (a concurrent repeat waits for the first and then sees it). cmd is what the mapper made
-- of the payload (server/webhook_map.h):
--   {"type": "customer", "customer": {…}}
--   {"type": "order", "customer": {…}|null, "order": {"id", "placed_at", "amount",
--    "currency", "paid", "cancelled_at", "cancel_reason", "refunds": {id: {amount, at}}}}
--   {"type": "refund", "order": {"id", "refunds": {…}}}
--   {"type": "redact", "customer_ids": […], "order_ids": […]}
--   {"type": "data_request", "customer_ids": […], "request_id"}
--   {"type": "shop_redact"}
-- Answers {"outcome": "processed", "events": […]}: the events to store next, in the same
-- transaction, with events_customers_upsert and events_insert (which earn the points).
CREATE FUNCTION webhook_apply(t uuid, src text, delivery text, cmd jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    todo text := cmd->>'type';
    cust bigint;
    o webhook_orders;
    ord jsonb := cmd->'order';
    paid boolean := coalesce((cmd->'order'->>'paid')::boolean, false);
    evs jsonb := '[]';
BEGIN
    IF delivery IS NOT NULL THEN
        INSERT INTO webhook_deliveries (tenant_id, kind, delivery) VALUES (t, src, delivery)
        ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
            RETURN jsonb_build_object('outcome', 'duplicate', 'events', '[]'::jsonb);
        END IF;
        -- keys past their 7 days go a few at a time, with the deliveries that follow them
        DELETE FROM webhook_deliveries d
        WHERE (d.tenant_id, d.kind, d.delivery) IN (
            SELECT x.tenant_id, x.kind, x.delivery FROM webhook_deliveries x
            WHERE x.tenant_id = t AND x.received_at < now() - interval '7 days'
            LIMIT 100);
    END IF;

    IF jsonb_typeof(cmd->'customer') = 'object' THEN
        cust := webhook_customer(t, cmd->'customer', todo = 'customer');
    END IF;

    IF todo IN ('order', 'refund') THEN
        INSERT INTO webhook_orders AS w (tenant_id, kind, order_id, customer_id, placed_at,
                                         amount, currency, cancelled_at, cancel_reason, refunds)
        VALUES (t, src, ord->>'id', cust,
                CASE WHEN paid THEN (ord->>'placed_at')::timestamptz END,
                CASE WHEN paid THEN (ord->>'amount')::numeric END,
                CASE WHEN paid THEN ord->>'currency' END,
                (ord->>'cancelled_at')::timestamptz, ord->>'cancel_reason',
                coalesce(ord->'refunds', '{}'))
        ON CONFLICT (tenant_id, kind, order_id) DO UPDATE
        SET customer_id = coalesce(w.customer_id, EXCLUDED.customer_id),
            placed_at = coalesce(w.placed_at, EXCLUDED.placed_at),
            amount = coalesce(w.amount, EXCLUDED.amount),
            currency = coalesce(w.currency, EXCLUDED.currency),
            cancelled_at = coalesce(w.cancelled_at, EXCLUDED.cancelled_at),
            cancel_reason = coalesce(w.cancel_reason, EXCLUDED.cancel_reason),
            refunds = EXCLUDED.refunds || w.refunds,
            updated_at = now()
        RETURNING * INTO o;
        evs := webhook_order_events(t, src, o);
    ELSIF todo = 'redact' THEN
        DELETE FROM customers
        WHERE tenant_id = t
          AND external_id IN (SELECT jsonb_array_elements_text(cmd->'customer_ids'));
        DELETE FROM webhook_orders
        WHERE webhook_orders.tenant_id = t AND webhook_orders.kind = src
          AND order_id IN (SELECT jsonb_array_elements_text(cmd->'order_ids'));
    ELSIF todo = 'data_request' THEN
        -- recorded on the customer (when known) for the owner to answer with the export
        SELECT coalesce(jsonb_agg(jsonb_build_object(
                   't', t, 'j', 0, 'id', src || ':data_request:' || (cmd->>'request_id') || ':' || cu.id,
                   'customer_id', cu.external_id, 'type', 'data_request',
                   'occurred_at', rfc3339(now()),
                   'properties', jsonb_build_object('source', src, 'request_id', cmd->>'request_id'))), '[]')
        INTO evs
        FROM customers cu
        WHERE cu.tenant_id = t
          AND cu.external_id IN (SELECT jsonb_array_elements_text(cmd->'customer_ids'));
    ELSIF todo = 'shop_redact' THEN
        -- every customer this kind of source brought, with all their data
        DELETE FROM customers WHERE tenant_id = t AND starts_with(external_id, src || ':');
        DELETE FROM webhook_orders w WHERE w.tenant_id = t AND w.kind = src;
    END IF;
    RETURN jsonb_build_object('outcome', 'processed', 'events', evs);
END;
$$;
COMMENT ON FUNCTION webhook_apply(uuid, text, text, jsonb) IS 'Applies one mapped webhook delivery once; returns the events to store (see 0016_webhooks.sql).';

-- A source as the API shows it: never its secrets, only their ids, dates and a short
-- fingerprint (the start of their SHA-256) to tell them apart while rotating.
CREATE FUNCTION webhook_source_json(s webhook_sources) RETURNS json
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN json_build_object(
        'id', s.id, 'kind', s.kind, 'shop', s.shop,
        'path', '/v1/webhooks/' || s.kind || '/' || s.tenant_id,
        'secrets', (SELECT coalesce(json_agg(json_build_object(
                                'id', k.id,
                                'fingerprint', left(encode(sha256(convert_to(k.secret, 'UTF8')), 'hex'), 12),
                                'created_at', rfc3339(k.created_at))
                            ORDER BY k.created_at, k.id), '[]')
                    FROM webhook_secrets k WHERE k.tenant_id = s.tenant_id AND k.source_id = s.id),
        'created_at', rfc3339(s.created_at));
COMMENT ON FUNCTION webhook_source_json(webhook_sources) IS 'A webhook source as the API shows it (never a secret).';
