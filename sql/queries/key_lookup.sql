-- Active keys whose clear prefix matches, across tenants (key_lookup is the one way to do
-- that under row-level security); the caller compares key_hash in constant time.
SELECT id, tenant_id, key_hash, scopes FROM key_lookup($1)
