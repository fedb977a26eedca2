-- pgbench baseline of bench/points.sh: the equivalent of one earn or redeem as a
-- transaction that locks the customer's row and appends a ledger entry.
\set cust random(0, 999)
\set sign random(0, 1)
BEGIN;
SELECT id FROM customers WHERE tenant_id = :tenant::uuid AND external_id = 'c' || :cust FOR NO KEY UPDATE \gset
INSERT INTO points_ledger (tenant_id, customer_id, kind, points, reason, expires_at)
VALUES (:tenant::uuid, :id, CASE WHEN :sign = 1 THEN 'earn' ELSE 'redeem' END,
        CASE WHEN :sign = 1 THEN 10 ELSE -10 END, 'bench',
        CASE WHEN :sign = 1 THEN now() + interval '365 days' END);
END;
