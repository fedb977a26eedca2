UPDATE idempotency_keys SET status = $3, content_type = $4, response = $5, completed_at = now()
WHERE tenant_id = $1 AND key = $2 AND status IS NULL
