-- One page of customers in creation order; $2 is the cursor (last id seen) or NULL.
SELECT c.id, customer_json(c)
FROM customers c
WHERE c.tenant_id = $1
  AND ($2::bigint IS NULL OR c.id > $2::bigint)
  AND ($3::timestamptz IS NULL OR c.created_at > $3::timestamptz)
  AND ($4::text IS NULL OR c.tags @> ARRAY[$4::text])
  AND ($5::text IS NULL OR lower(c.email) = lower($5::text))
ORDER BY c.id
LIMIT $6
