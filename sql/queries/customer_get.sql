SELECT customer_json(c) FROM customers c WHERE c.tenant_id = $1 AND c.external_id = $2
