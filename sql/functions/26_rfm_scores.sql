-- Every customer of tenant t with at least one order up to as_of, scored: R = days since
-- the last order, F = orders, M = net amount (orders less refunds) up to as_of; scores by
-- NTILE(5) over (last order ascending | orders ascending | net ascending, then external_id
-- bytewise), so the most recent, most frequent and largest get 5. When nothing of the
-- tenant's orders and refunds lies after as_of, the per-customer figures come from
-- customer_rollups (one row per customer); otherwise from the events up to as_of.
CREATE OR REPLACE FUNCTION rfm_scores(t uuid, as_of timestamptz)
RETURNS TABLE (customer_id bigint, external_id text, last_order_at timestamptz,
               recency_days integer, frequency bigint, monetary numeric,
               r integer, f integer, m integer, segment text)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH whole AS (
        SELECT NOT EXISTS (SELECT 1 FROM events e
                           WHERE e.tenant_id = t AND e.type IN ('order', 'refund')
                             AND e.occurred_at > as_of) AS ok
    ), per AS (
        SELECT ro.customer_id, ro.last_order_at AS last, ro.orders AS freq,
               ro.order_amount - ro.refunded AS net
        FROM customer_rollups ro, whole
        WHERE whole.ok AND ro.tenant_id = t AND ro.orders > 0
        UNION ALL
        SELECT e.customer_id, max(e.occurred_at) FILTER (WHERE e.type = 'order'),
               count(*) FILTER (WHERE e.type = 'order'),
               coalesce(sum(e.amount) FILTER (WHERE e.type = 'order'), 0)
               - coalesce(sum(e.amount) FILTER (WHERE e.type = 'refund'), 0)
        FROM events e, whole
        WHERE NOT whole.ok AND e.tenant_id = t AND e.type IN ('order', 'refund')
          AND e.occurred_at <= as_of
        GROUP BY e.customer_id
        HAVING count(*) FILTER (WHERE e.type = 'order') > 0
    ), scored AS (
        SELECT p.customer_id, c.external_id, p.last, p.freq, p.net,
               ntile(5) OVER (ORDER BY p.last, c.external_id) AS r,
               ntile(5) OVER (ORDER BY p.freq, c.external_id) AS f,
               ntile(5) OVER (ORDER BY p.net, c.external_id) AS m
        FROM per p
        JOIN customers c ON c.tenant_id = t AND c.id = p.customer_id
    )
    SELECT s.customer_id, s.external_id, s.last,
           floor(extract(epoch FROM as_of - s.last) / 86400)::integer,
           s.freq, s.net, s.r, s.f, s.m, rfm_segment(s.r, s.f)
    FROM scored s;
END;
COMMENT ON FUNCTION rfm_scores(uuid, timestamptz) IS 'RFM scores and segment of every customer with an order up to as_of (docs/DESIGN.md section 6).';
