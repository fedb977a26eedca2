-- Sets whether tenant $1 requires identity verification ($2); its row is locked
-- (identity_lock).
UPDATE identity_settings SET required = $2::boolean, updated_at = clock_timestamp()
WHERE tenant_id = $1
