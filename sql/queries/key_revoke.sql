-- Revokes a key of the tenant; revoking twice keeps the first time. The notification
-- (sent at commit) makes every loyaltyd drop its cached copy of the key at once.
WITH revoked AS (
    UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
    WHERE tenant_id = $1 AND id = $2
    RETURNING id
)
SELECT id, pg_notify('loyaltyd_keys', id::text) FROM revoked
