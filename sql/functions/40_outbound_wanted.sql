-- Whether any enabled endpoint of a tenant in tenants wants events at all: the outbox
-- triggers return at once when none does, so that a tenant without endpoints pays one
-- index probe per statement.
CREATE OR REPLACE FUNCTION outbound_wanted(tenants uuid[]) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN EXISTS (SELECT 1 FROM event_endpoints e WHERE e.tenant_id = ANY (tenants) AND e.enabled);

-- The enabled endpoints of tenant t that want events of type (an SQL function the
-- planner inlines into the triggers' joins).
CREATE OR REPLACE FUNCTION outbound_targets(t uuid, type text) RETURNS SETOF uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT e.id FROM event_endpoints e
          WHERE e.tenant_id = t AND e.enabled
            AND (e.event_types IS NULL OR type = ANY (e.event_types)) $$;

-- What the enabled endpoints of each tenant in tenants want: every type (every), or the
-- types listed; a tenant without an enabled endpoint has no row. The triggers ask once per
-- statement rather than once per row (outbound_wants costs an index probe a call).
CREATE OR REPLACE FUNCTION outbound_wanted_types(tenants uuid[])
RETURNS TABLE (tenant_id uuid, every boolean, types text[])
    LANGUAGE sql STABLE PARALLEL SAFE
    BEGIN ATOMIC
        SELECT e.tenant_id, bool_or(e.event_types IS NULL),
               coalesce(array_agg(DISTINCT x.type) FILTER (WHERE x.type IS NOT NULL), '{}')
        FROM event_endpoints e
        LEFT JOIN LATERAL unnest(e.event_types) AS x(type) ON true
        WHERE e.tenant_id = ANY (tenants) AND e.enabled
        GROUP BY e.tenant_id;
    END;
