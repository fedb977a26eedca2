-- One page of a tenant's keys in creation order; $2 is the cursor (last seq seen) or NULL.
SELECT id, name, key_prefix, scopes,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at,
       to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS revoked_at,
       seq
FROM api_keys
WHERE tenant_id = $1 AND ($2::bigint IS NULL OR seq > $2::bigint)
ORDER BY seq
LIMIT $3
