-- Serialises every points write of one customer: a redeem can never spend points another
-- concurrent request spends.
SELECT id FROM customers WHERE tenant_id = $1 AND external_id = $2 FOR UPDATE
