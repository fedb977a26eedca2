SELECT version, config FROM loyalty_programs WHERE tenant_id = $1 ORDER BY version DESC LIMIT 1
