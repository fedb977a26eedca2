-- Every webhook source of tenant $1 (one per kind), oldest first, as one JSON array.
SELECT coalesce(json_agg(webhook_source_json(s) ORDER BY s.created_at, s.id), '[]')
FROM webhook_sources s WHERE s.tenant_id = $1
