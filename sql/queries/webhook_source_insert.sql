-- A tenant's new webhook source ($1 tenant, $2 kind, $3 shop, $4 count_test_orders); no
-- row when the tenant has a source of that kind already.
INSERT INTO webhook_sources (tenant_id, kind, shop, count_test_orders) VALUES ($1, $2, $3, $4)
ON CONFLICT (tenant_id, kind) DO NOTHING
RETURNING id
