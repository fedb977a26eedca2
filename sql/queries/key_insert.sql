INSERT INTO api_keys (tenant_id, name, key_prefix, key_hash, scopes)
VALUES ($1, $2, $3, decode($4, 'hex'), $5::text[])
RETURNING id, name, key_prefix, scopes, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at
