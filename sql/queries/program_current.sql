SELECT json_build_object('version', version, 'updated_at', rfc3339(created_at)) :: jsonb || config
FROM loyalty_programs WHERE tenant_id = $1
ORDER BY version DESC LIMIT 1
