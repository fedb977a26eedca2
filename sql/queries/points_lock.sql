-- Serialises every points write of one customer: a redeem can never spend points another
-- concurrent request spends. NO KEY UPDATE: the foreign keys of events and ledger entries
-- take KEY SHARE, which must not wait for it.
SELECT id FROM customers WHERE tenant_id = $1 AND external_id = $2 FOR NO KEY UPDATE
