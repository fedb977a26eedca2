SELECT id FROM customers WHERE tenant_id = $1 AND external_id = $2
