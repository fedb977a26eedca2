-- GDPR erasure: the customer row; events (and every later per-customer table) cascade.
DELETE FROM customers WHERE tenant_id = $1 AND external_id = $2 RETURNING id
