-- Stores a new version of the tenant's programme (two concurrent changes: one gets a
-- unique violation and is answered 409).
INSERT INTO loyalty_programs (tenant_id, version, config)
SELECT $1, coalesce(max(version), 0) + 1, $2::jsonb
FROM loyalty_programs WHERE tenant_id = $1
RETURNING json_build_object('version', version, 'updated_at', rfc3339(created_at)) :: jsonb || config
