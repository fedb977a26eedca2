-- One page of a customer's ledger, newest first; $3 is the cursor (last id seen) or NULL.
SELECT p.id, json_build_object('id', p.id, 'kind', p.kind, 'points', p.points,
                               'reason', p.reason, 'reference', p.reference,
                               'expires_at', rfc3339(p.expires_at),
                               'created_at', rfc3339(p.created_at))
FROM points_ledger p
WHERE p.tenant_id = $1 AND p.customer_id = $2::bigint AND ($3::bigint IS NULL OR p.id < $3::bigint)
ORDER BY p.id DESC
LIMIT $4
