-- Stores a batch of validated events in its order; an event whose client id is known (from
-- an earlier batch or earlier in this one) is skipped. Answers how many were stored.
WITH stored AS (
    INSERT INTO events (tenant_id, customer_id, client_id, type, occurred_at, amount,
                        currency, order_id, properties)
    SELECT $1::uuid, c.id, e.doc->>'id', e.doc->>'type', (e.doc->>'occurred_at')::timestamptz,
           (e.doc->>'amount')::numeric, e.doc->>'currency', e.doc->>'order_id',
           e.doc->'properties'
    FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(doc, ord)
    JOIN customers c ON c.tenant_id = $1::uuid AND c.external_id = e.doc->>'customer_id'
    ORDER BY e.ord
    ON CONFLICT (tenant_id, client_id) WHERE client_id IS NOT NULL DO NOTHING
    RETURNING 1
)
SELECT count(*) FROM stored
