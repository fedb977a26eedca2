-- For /metrics, across tenants: the messages waiting for delivery to enabled endpoints,
-- plus the events recorded and not yet fanned out (one each, whatever the endpoints), and
-- the age in seconds of the oldest of them (0 when none).
CREATE OR REPLACE FUNCTION outbound_lag()
RETURNS TABLE (pending bigint, oldest_seconds double precision)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
BEGIN ATOMIC
    SELECT count(*), coalesce(extract(epoch FROM now() - min(w.created_at)), 0)::double precision
    FROM (SELECT m.created_at
          FROM outbound_messages m
          JOIN event_endpoints e ON e.tenant_id = m.tenant_id AND e.id = m.endpoint_id AND e.enabled
          WHERE m.status = 'pending'
          UNION ALL
          SELECT v.created_at FROM outbound_events v WHERE v.type IS NOT NULL) w;
END;
REVOKE ALL ON FUNCTION outbound_lag() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION outbound_lag() TO loyaltyd_app;
