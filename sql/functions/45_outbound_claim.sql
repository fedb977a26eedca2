-- The dispatcher's claim (server/jobs/outbound.c), across tenants: up to batch attempts that
-- are due, of enabled endpoints, each the oldest pending message of its customer at its
-- endpoint (so that one customer's messages go in order), leased for lease_seconds so that
-- no other dispatcher takes them meanwhile (SKIP LOCKED: concurrent claims take others).
-- A dispatcher that dies mid-delivery loses its lease; the attempt is made again, with
-- the same webhook-id. secrets: the endpoint's live signing secrets, newest first.
CREATE OR REPLACE FUNCTION outbound_claim(batch integer, lease_seconds integer)
RETURNS TABLE (id bigint, tenant_id uuid, endpoint_id uuid, url text, body text,
               attempts integer, created_at timestamptz, secrets text[])
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    RETURN QUERY
    WITH due AS (
        SELECT m.id
        FROM outbound_messages m
        WHERE m.status = 'pending' AND m.next_attempt_at <= now()
          AND (m.leased_until IS NULL OR m.leased_until <= now())
          AND EXISTS (SELECT 1 FROM event_endpoints e
                      WHERE e.tenant_id = m.tenant_id AND e.id = m.endpoint_id AND e.enabled)
          AND NOT EXISTS (SELECT 1 FROM outbound_messages p
                          WHERE p.endpoint_id = m.endpoint_id
                            AND p.customer_key = m.customer_key
                            AND p.status = 'pending' AND p.id < m.id)
        ORDER BY m.next_attempt_at, m.id
        LIMIT batch
        FOR UPDATE OF m SKIP LOCKED
    ), claimed AS (
        UPDATE outbound_messages m
        SET leased_until = now() + make_interval(secs => lease_seconds),
            attempts = m.attempts + 1, last_attempt_at = now()
        FROM due WHERE m.id = due.id
        RETURNING m.id, m.tenant_id, m.endpoint_id, m.body, m.attempts, m.created_at
    )
    SELECT c.id, c.tenant_id, c.endpoint_id, e.url, c.body, c.attempts, c.created_at,
           ARRAY(SELECT s.secret FROM event_endpoint_secrets s
                 WHERE s.tenant_id = c.tenant_id AND s.endpoint_id = c.endpoint_id
                   AND (s.expires_at IS NULL OR s.expires_at > now())
                 ORDER BY s.created_at DESC)
    FROM claimed c
    JOIN event_endpoints e ON e.tenant_id = c.tenant_id AND e.id = c.endpoint_id
    ORDER BY c.id;
END;
$$;
REVOKE ALL ON FUNCTION outbound_claim(integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION outbound_claim(integer, integer) TO loyaltyd_app;
