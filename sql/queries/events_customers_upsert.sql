-- Creates the customers a set of events names, in a fixed order so that concurrent
-- transactions lock rows in the same order. $1 is a JSON array of validated events, each
-- with "t" (its tenant, set by loyaltyd from the API key) and "j" (its request's number).
INSERT INTO customers (tenant_id, external_id)
SELECT DISTINCT (e->>'t')::uuid, e->>'customer_id'
FROM jsonb_array_elements($1::jsonb) AS e
ORDER BY 1, 2
ON CONFLICT (tenant_id, external_id) DO NOTHING
