SELECT encode(request_hash, 'hex'), status, content_type, response
FROM idempotency_keys WHERE tenant_id = $1 AND key = $2
