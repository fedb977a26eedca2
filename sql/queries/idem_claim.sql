-- Claims a key for a request: new, older than 24 hours, or abandoned while running (no
-- answer after 60 seconds: its process died). Returns a row only when claimed.
INSERT INTO idempotency_keys AS k (tenant_id, key, request_hash)
VALUES ($1, $2, decode($3, 'hex'))
ON CONFLICT (tenant_id, key) DO UPDATE
SET request_hash = EXCLUDED.request_hash, status = NULL, content_type = NULL, response = NULL,
    created_at = now(), completed_at = NULL
WHERE k.created_at < now() - interval '24 hours'
   OR (k.status IS NULL AND k.created_at < now() - interval '60 seconds')
RETURNING true
