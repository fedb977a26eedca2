-- Stores a set of validated events in their order; an event whose client id its tenant
-- already has (from an earlier transaction or earlier in this set) is skipped. $1 is as
-- for events_customers_upsert. Answers, for each request number "j" that stored any
-- event, how many it stored: events without a client id are always stored; a stored
-- client id belongs to the first element of the set that carried it.
-- The points the stored events earn (or take back) are written by points_ingest() in the
-- same statement, for the tenants that run a programme: a duplicate never earns.
WITH input AS (
    SELECT e.doc, e.ord FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(doc, ord)
), stored AS (
    INSERT INTO events (tenant_id, customer_id, client_id, type, occurred_at, amount,
                        currency, order_id, properties)
    SELECT c.tenant_id, c.id, i.doc->>'id', i.doc->>'type', (i.doc->>'occurred_at')::timestamptz,
           (i.doc->>'amount')::numeric, i.doc->>'currency', i.doc->>'order_id',
           i.doc->'properties'
    FROM input i
    -- LATERAL: one index probe per event, whatever the planner guesses of the input's size
    -- (a hash join would scan every customer of every tenant)
    CROSS JOIN LATERAL (
        SELECT tenant_id, id FROM customers
        WHERE tenant_id = (i.doc->>'t')::uuid AND external_id = i.doc->>'customer_id'
        LIMIT 1 -- unique anyway; keeps the planner from flattening this into a hash join
    ) AS c

    ORDER BY i.ord

    ON CONFLICT (tenant_id, client_id) WHERE client_id IS NOT NULL DO NOTHING
    RETURNING *
), programmes AS (
    -- once per tenant of the set, not per event
    SELECT x.tenant_id, program_current(x.tenant_id) AS config
    FROM (SELECT DISTINCT tenant_id FROM stored) AS x
), earned AS (
    SELECT points_ingest(array_agg(ROW(s.*)::events)) AS entries
    FROM stored s
    JOIN programmes p ON p.tenant_id = s.tenant_id AND p.config IS NOT NULL
    WHERE s.type IN ('order', 'refund', 'membership_purchased') OR p.config->'event_points' ? s.type
), rolled AS (
    -- the customers' order figures (customer_rollups), in customer order so that
    -- concurrent ingests lock the rows in one order
    INSERT INTO customer_rollups AS r (tenant_id, customer_id, first_order_at, last_order_at,
                                       orders, order_amount, refunded)
    SELECT tenant_id, customer_id,
           min(occurred_at) FILTER (WHERE type = 'order'),
           max(occurred_at) FILTER (WHERE type = 'order'),
           count(*) FILTER (WHERE type = 'order'),
           coalesce(sum(amount) FILTER (WHERE type = 'order'), 0),
           coalesce(sum(amount) FILTER (WHERE type = 'refund'), 0)
    FROM stored
    WHERE type IN ('order', 'refund')
    GROUP BY tenant_id, customer_id
    ORDER BY tenant_id, customer_id
    ON CONFLICT (tenant_id, customer_id) DO UPDATE
    SET first_order_at = least(r.first_order_at, EXCLUDED.first_order_at),
        last_order_at = greatest(r.last_order_at, EXCLUDED.last_order_at),
        orders = r.orders + EXCLUDED.orders,
        order_amount = r.order_amount + EXCLUDED.order_amount,
        refunded = r.refunded + EXCLUDED.refunded
), firsts AS (

    SELECT DISTINCT ON ((doc->>'t')::uuid, doc->>'id') (doc->>'t')::uuid AS t, doc->>'id' AS id,
           doc->>'j' AS j
    FROM input WHERE doc ? 'id'
    ORDER BY (doc->>'t')::uuid, doc->>'id', ord
)
SELECT j, count(*) FROM (
    SELECT f.j FROM stored s JOIN firsts f ON f.t = s.tenant_id AND f.id = s.client_id
    UNION ALL
    SELECT doc->>'j' FROM input WHERE NOT doc ? 'id'
) AS per_request (j)
CROSS JOIN earned -- one row: makes the points part of this statement whenever it stored any
GROUP BY j

