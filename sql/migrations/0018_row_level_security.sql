-- Row-level security: a second wall between tenants, behind the tenant filter of every
-- query. loyaltyd works as the role loyaltyd_app (LOYALTYD_DB_ROLE, set on each of its
-- connections), which owns nothing and has no BYPASSRLS, so every policy below applies to
-- it; the tenant a unit of work may see is named in the setting loyaltyd.tenant, set by
-- loyaltyd (server/db.c) before the work (a request's tenant; a group commit stores the
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

-- The tenant the current unit of work may see: loyaltyd.tenant; none (null) when it is
-- unset or empty. One tenant, compared by equality: the planner then folds the policy into
-- the query's own "tenant_id = $1" (one equivalence class) and estimates rows as without
-- it. A list (tenant_id = ANY (…)) was tried first: its unknown selectivity, multiplied
-- with the query's own, turned the RFM scoring into a nested loop 17 times as slow.
CREATE FUNCTION loyaltyd_tenant() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN nullif(current_setting('loyaltyd.tenant', true), '')::uuid;
COMMENT ON FUNCTION loyaltyd_tenant() IS 'The tenant id in the setting loyaltyd.tenant (null when unset): what row-level security lets the current work see.';

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

-- Active keys whose clear prefix matches (before the caller's tenant is known); the
-- caller compares the hashes in constant time.
CREATE FUNCTION key_lookup(prefix text)
RETURNS TABLE (id uuid, tenant_id uuid, key_hash text, scopes text[])
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
BEGIN ATOMIC
    SELECT k.id, k.tenant_id, encode(k.key_hash, 'hex'), k.scopes
    FROM api_keys k
    WHERE k.key_prefix = prefix AND k.revoked_at IS NULL
    LIMIT 4;
END;
REVOKE ALL ON FUNCTION key_lookup(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION key_lookup(text) TO loyaltyd_app;

-- A new tenant; the caller then names it in loyaltyd.tenant to give it its first key.
CREATE FUNCTION tenant_create(tenant_name text)
RETURNS TABLE (id uuid, name text, created_at text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
BEGIN ATOMIC
    INSERT INTO tenants AS t (name) VALUES (tenant_name)
    RETURNING t.id, t.name, rfc3339(t.created_at);
END;
REVOKE ALL ON FUNCTION tenant_create(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenant_create(text) TO loyaltyd_app;

-- One batch of the expiry task (as points_expiry_batch did): customers of any tenant with
-- a lot that lapsed after their watermark, locked so that other loyaltyd processes take
-- others; the task then works on each under its own tenant.
CREATE FUNCTION points_expiry_due(batch integer)
RETURNS TABLE (tenant_id uuid, customer_id bigint)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
BEGIN ATOMIC
    SELECT c.tenant_id, c.id
    FROM customers c
    WHERE (c.tenant_id, c.id) IN (
        SELECT l.tenant_id, l.customer_id
        FROM points_ledger l
        LEFT JOIN points_expiry_watermark w
               ON w.tenant_id = l.tenant_id AND w.customer_id = l.customer_id
        WHERE l.expires_at IS NOT NULL AND l.expires_at <= now()
          AND (w.through IS NULL OR l.expires_at > w.through)
        LIMIT batch)
    FOR NO KEY UPDATE OF c SKIP LOCKED;
END;
REVOKE ALL ON FUNCTION points_expiry_due(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION points_expiry_due(integer) TO loyaltyd_app;

-- Fresh statistics on the tables the reports read, after an import (only their owner may
-- ANALYZE them).
CREATE FUNCTION loyaltyd_analyze() RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    ANALYZE events, customers, customer_rollups, points_ledger, points_accounts;
END;
$$;
REVOKE ALL ON FUNCTION loyaltyd_analyze() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION loyaltyd_analyze() TO loyaltyd_app;
