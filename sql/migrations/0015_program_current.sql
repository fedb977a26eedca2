-- The programme in force for a tenant, for the reports that read it in SQL.
CREATE FUNCTION program_current(t uuid) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT p.config FROM loyalty_programs p WHERE p.tenant_id = t
            ORDER BY p.version DESC LIMIT 1);
COMMENT ON FUNCTION program_current(uuid) IS 'The config of the tenant''s latest programme version, or null.';
