-- Deletes endpoint $2 of tenant $1 with its secrets and messages (cascade).
DELETE FROM event_endpoints WHERE tenant_id = $1 AND id = $2 RETURNING id
