-- One event endpoint of tenant $1.
SELECT event_endpoint_json(e) FROM event_endpoints e WHERE e.tenant_id = $1 AND e.id = $2
