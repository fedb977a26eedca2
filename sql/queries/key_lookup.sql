-- Active keys whose clear prefix matches; the caller compares key_hash in constant time.
SELECT id, tenant_id, encode(key_hash, 'hex') AS key_hash, scopes
FROM api_keys
WHERE key_prefix = $1 AND revoked_at IS NULL
LIMIT 4
