-- One page of a customer's ledger, newest first; $3 is the cursor (last id seen) or NULL.
SELECT p.id, points_entry_json(p)
FROM points_ledger p
WHERE p.tenant_id = $1 AND p.customer_id = $2::bigint AND ($3::bigint IS NULL OR p.id < $3::bigint)
ORDER BY p.id DESC
LIMIT $4
