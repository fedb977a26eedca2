-- The programme in force for a tenant, for the reports and the ingest statement that read
-- it in SQL. PL/pgSQL: a SQL-standard body here is a subquery, which PostgreSQL does not
-- inline, and a SQL function that is not inlined plans its query afresh at every call:
-- once per ingest statement (the programmes of the stored events), about 0.2 ms of a
-- single event's 0.5 ms. PL/pgSQL keeps the plan per connection, as points_append does.
-- Measured with pgbench running the ingest statement for a tenant without a programme
-- (bench/RESULTS.md): 3,843 → 4,915 statements a second.
CREATE OR REPLACE FUNCTION program_current(t uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
BEGIN
    RETURN (SELECT p.config FROM loyalty_programs p WHERE p.tenant_id = t
            ORDER BY p.version DESC LIMIT 1);
END
$$;
COMMENT ON FUNCTION program_current(uuid) IS 'The config of the tenant''s latest programme version, or null.';
