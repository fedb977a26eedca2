-- Every event endpoint of tenant $1 (at most 50), oldest first, as one JSON array.
SELECT coalesce(json_agg(event_endpoint_json(e) ORDER BY e.created_at, e.id), '[]')
FROM event_endpoints e WHERE e.tenant_id = $1
