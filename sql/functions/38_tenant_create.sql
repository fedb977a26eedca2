-- A new tenant; the caller then names it in loyaltyd.tenant to give it its first key.
CREATE OR REPLACE FUNCTION tenant_create(tenant_name text)
RETURNS TABLE (id uuid, name text, created_at text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
BEGIN ATOMIC
    INSERT INTO tenants AS t (name) VALUES (tenant_name)
    RETURNING t.id, t.name, rfc3339(t.created_at);
END;
REVOKE ALL ON FUNCTION tenant_create(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenant_create(text) TO loyaltyd_app;
