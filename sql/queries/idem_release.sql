-- A request that failed transiently (5xx) gives its key back, so a retry runs again.
DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2 AND status IS NULL
