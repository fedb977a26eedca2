-- The tenant the current unit of work may see: loyaltyd.tenant; none (null) when it is
-- unset or empty. One tenant, compared by equality: the planner then folds the policy into
-- the query's own "tenant_id = $1" (one equivalence class) and estimates rows as without
-- it. A list (tenant_id = ANY (…)) was tried first: its unknown selectivity, multiplied
-- with the query's own, turned the RFM scoring into a nested loop 17 times as slow.
CREATE OR REPLACE FUNCTION loyaltyd_tenant() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN nullif(current_setting('loyaltyd.tenant', true), '')::uuid;
COMMENT ON FUNCTION loyaltyd_tenant() IS 'The tenant id in the setting loyaltyd.tenant (null when unset): what row-level security lets the current work see.';
