-- Row-level security: a second wall between tenants, behind the tenant filter of every
-- query. loyaltyd works as the role loyaltyd_app (LOYALTYD_DB_ROLE, set on each of its
-- connections), which owns nothing and has no BYPASSRLS, so every policy below applies to
-- it; the tenant a unit of work may see is named in the setting loyaltyd.tenant, set by
-- loyaltyd (server/store/db.c) before the work (a request's tenant; a group commit stores the
-- requests of one tenant), or none, and then no row is visible. The few things that
-- must cross tenants (finding a key by its prefix before its tenant is known, creating a
-- tenant, finding the customers whose points lapsed, ANALYZE) are SECURITY DEFINER
-- functions that do that one thing. Migrations run as the owner, as before.

DO $$
BEGIN
    -- roles belong to the cluster: another database may be creating it at this moment
    CREATE ROLE loyaltyd_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;
COMMENT ON ROLE loyaltyd_app IS 'The role loyaltyd works as: no ownership, no BYPASSRLS; row-level security applies.';
-- the owner (who migrates and whose login loyaltyd uses) may become it
GRANT loyaltyd_app TO CURRENT_USER;

GRANT USAGE ON SCHEMA public TO loyaltyd_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO loyaltyd_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO loyaltyd_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO loyaltyd_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO loyaltyd_app;
-- the migrations' own bookkeeping is read (readyz, the start-up check), never written
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM loyaltyd_app;

-- The tenant the current unit of work may see: loyaltyd_tenant(), defined in
-- sql/functions/05_loyaltyd_tenant.sql, which migrate applies after the migrations in the
-- same transaction. The policies below must name it, so on a new database they name a
-- placeholder (never run: it is replaced before commit).
CREATE FUNCTION loyaltyd_tenant() RETURNS uuid
LANGUAGE plpgsql STABLE
AS $$ BEGIN RAISE EXCEPTION 'placeholder: see sql/functions/05_loyaltyd_tenant.sql'; END $$;

DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT c.table_name FROM information_schema.columns c
             JOIN information_schema.tables x ON x.table_name = c.table_name
                  AND x.table_schema = c.table_schema AND x.table_type = 'BASE TABLE'
             WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id'
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = loyaltyd_tenant()) '
                       'WITH CHECK (tenant_id = loyaltyd_tenant())', t);
    END LOOP;
END
$$;
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
    USING (id = loyaltyd_tenant()) WITH CHECK (id = loyaltyd_tenant());
-- a view runs with its owner's rights unless told otherwise: this one with the caller's
ALTER VIEW customer_nps_latest SET (security_invoker = true);

-- ---- what must cross tenants, and nothing more ----

-- SECURITY DEFINER functions, with their grants to loyaltyd_app, defined in sql/functions/
-- (re-created after the migrations on every migrate):
--   37_key_lookup.sql
--   38_tenant_create.sql
--   23_points_expiry_due.sql
--   39_loyaltyd_analyze.sql
