-- The events an order's merged state calls for (see webhook_apply): the order, once it was
-- paid; each refund seen, in time order, never past what is left of the order; and, once
-- the order is cancelled, a refund of what is left. Events already stored are left out
-- (by their client ids) and so are refunds of nothing left. Each is {"t", "j", …} as
-- events_insert takes them.
CREATE OR REPLACE FUNCTION webhook_order_events(t uuid, src text, o webhook_orders) RETURNS jsonb
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
