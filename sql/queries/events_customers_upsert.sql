-- Creates the customers a batch of events names, in a fixed order so that concurrent
-- batches lock rows in the same order. $2 is the validated events array (JSON).
INSERT INTO customers (tenant_id, external_id)
SELECT DISTINCT $1::uuid, e->>'customer_id'
FROM jsonb_array_elements($2::jsonb) AS e
ORDER BY 2
ON CONFLICT (tenant_id, external_id) DO NOTHING
