-- Locks source $2 of tenant $1 while its secrets change; no row when there is none.
SELECT id FROM webhook_sources WHERE tenant_id = $1 AND id = $2 FOR UPDATE
