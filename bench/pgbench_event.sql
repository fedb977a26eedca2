-- pgbench baseline of bench/ingest.sh: the equivalent of one single-event POST as one
-- INSERT per transaction (the customer exists; the client id is unique).
\set cust random(1, 1000)
\set n random(1, 1000000000000)
INSERT INTO events (tenant_id, customer_id, client_id, type, occurred_at)
SELECT :tenant::uuid, id, 'pg-' || :n || '-' || :client_id, 'visit', '2026-01-01T00:00:00Z'
FROM customers WHERE tenant_id = :tenant::uuid AND external_id = 'c' || :cust
ON CONFLICT (tenant_id, client_id) WHERE client_id IS NOT NULL DO NOTHING;
