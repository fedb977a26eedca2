-- Source $2 of tenant $1 as JSON.
SELECT webhook_source_json(s) FROM webhook_sources s WHERE s.tenant_id = $1 AND s.id = $2
