-- Applies one verified, mapped delivery of source kind src for tenant t, once: a delivery
-- key seen in the last 7 days answers {"outcome": "duplicate"} and changes nothing
-- (a concurrent repeat waits for the first and then sees it). cmd is what the mapper made
-- of the payload (server/domain/webhook_map.h):
--   {"type": "customer", "customer": {…}}
--   {"type": "order", "customer": {…}|null, "order": {"id", "placed_at", "amount",
--    "currency", "paid", "cancelled_at", "cancel_reason", "refunds": {id: {amount, at}}}}
--   {"type": "refund", "order": {"id", "refunds": {…}}}
--   {"type": "redact", "customer_ids": […], "order_ids": […]}
--   {"type": "data_request", "customer_ids": […], "request_id"}
--   {"type": "shop_redact"}
-- Answers {"outcome": "processed", "events": […]}: the events to store next, in the same
-- transaction, with events_customers_upsert and events_insert (which earn the points).
CREATE OR REPLACE FUNCTION webhook_apply(t uuid, src text, delivery text, cmd jsonb) RETURNS jsonb
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
COMMENT ON FUNCTION webhook_apply(uuid, text, text, jsonb) IS 'Applies one mapped webhook delivery once; returns the events to store (see sql/functions/34_webhook_apply.sql).';
