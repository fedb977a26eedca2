-- The tenants whose daily evaluation is due (server/jobs/outbound_daily.c), across tenants:
-- those with an enabled endpoint whose local time (outbound_settings.tz; no row: UTC) has
-- reached run_at (no row: 06:00) on a local day after the last it ran (last_run_on). The
-- job then claims each under its tenant (outbound_daily_run), which checks again.
CREATE OR REPLACE FUNCTION outbound_daily_due()
RETURNS TABLE (tenant_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
BEGIN ATOMIC
    SELECT t.id
    FROM tenants t
    LEFT JOIN outbound_settings s ON s.tenant_id = t.id
    CROSS JOIN LATERAL (SELECT outbound_local_now(coalesce(s.tz, 'UTC')) AS local) l
    WHERE EXISTS (SELECT 1 FROM event_endpoints e WHERE e.tenant_id = t.id AND e.enabled)
      AND l.local::time >= coalesce(s.run_at, '06:00')
      AND (s.last_run_on IS NULL OR s.last_run_on < l.local::date)
    ORDER BY t.id;
END;
REVOKE ALL ON FUNCTION outbound_daily_due() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION outbound_daily_due() TO loyaltyd_app;
