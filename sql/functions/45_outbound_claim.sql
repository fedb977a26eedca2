-- The dispatcher's claim (server/jobs/outbound.c), across tenants: up to batch attempts that
-- are due, of enabled endpoints, each the oldest pending message of its customer at its
-- endpoint (so that one customer's messages go in order), at most per_endpoint in flight
-- at any one endpoint (counting those leased already: a slow or hanging receiver holds a
-- few of the dispatcher's slots, never all), leased for lease_seconds so that no other
-- dispatcher takes them meanwhile (SKIP LOCKED: concurrent claims take others). A
-- dispatcher that dies mid-delivery loses its lease; the attempt is made again, with the
-- same webhook-id. secrets: the endpoint's live signing secrets, newest first. The claim
-- first fans out up to fan_out recorded events (outbound_fan_out, without waiting for one
-- running elsewhere), so that what ingest recorded becomes claimable messages; while the
-- API is busy the dispatcher asks for few, recorded at least fan_out_min_age seconds ago
-- (server/jobs/outbound.c), so that a burst's events wait for it to end. Planned at
-- every call (plan_cache_mode): the outbox swings from empty to a burst of thousands, and a
-- plan cached while it was empty (or analysed empty) probed each due message's customer by
-- a full index scan: seconds a claim, 70 s to drain a 5-second burst (bench/RESULTS.md).
DROP FUNCTION IF EXISTS outbound_claim(integer, integer);
DROP FUNCTION IF EXISTS outbound_claim(integer, integer, integer);
DROP FUNCTION IF EXISTS outbound_claim(integer, integer, integer, integer);
CREATE OR REPLACE FUNCTION outbound_claim(batch integer, lease_seconds integer,
                                          per_endpoint integer, fan_out integer,
                                          fan_out_min_age integer)
RETURNS TABLE (id bigint, tenant_id uuid, endpoint_id uuid, url text, body text,
               attempts integer, created_at timestamptz, secrets text[])
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    SET plan_cache_mode = force_custom_plan
AS $$
BEGIN
    PERFORM outbound_fan_out(fan_out, false, fan_out_min_age);
    RETURN QUERY
    WITH busy AS (
        SELECT b.endpoint_id, count(*) AS n
        FROM outbound_messages b
        WHERE b.status = 'pending' AND b.leased_until IS NOT NULL AND b.leased_until > now()
        GROUP BY b.endpoint_id
    ), eligible AS (
        -- the first due ones in time order, a few batches' worth: enough to fill a batch
        -- after the per-endpoint cap, without ranking a whole backlog. A message blocked
        -- behind its customer's earlier one costs a probe each claim, so blocked messages
        -- are kept out of the due range where they can be: behind a failed attempt they
        -- wait as long as it does (outbound_settle), a disabled endpoint's are parked
        -- (outbound_park).
        SELECT m.id, m.endpoint_id, m.next_attempt_at
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
        LIMIT batch * 4
    ), ranked AS (
        SELECT g.id, g.next_attempt_at,
               row_number() OVER (PARTITION BY g.endpoint_id ORDER BY g.next_attempt_at, g.id)
                   + coalesce(b.n, 0) AS in_flight
        FROM eligible g LEFT JOIN busy b ON b.endpoint_id = g.endpoint_id
    ), due AS (
        SELECT m.id
        FROM outbound_messages m
        JOIN ranked r ON r.id = m.id
        WHERE r.in_flight <= per_endpoint
          -- stated again here, on the locked row: FOR UPDATE re-checks them on its newest
          -- version, so a row another dispatcher claimed since the scan above is not taken
          AND m.status = 'pending' AND m.next_attempt_at <= now()
          AND (m.leased_until IS NULL OR m.leased_until <= now())
        ORDER BY r.next_attempt_at, r.id
        LIMIT batch
        FOR UPDATE OF m SKIP LOCKED
    ), claimed AS (
        UPDATE outbound_messages m
        SET leased_until = now() + make_interval(secs => lease_seconds),
            attempts = m.attempts + 1, last_attempt_at = now()
        FROM due WHERE m.id = due.id
          AND m.status = 'pending' AND (m.leased_until IS NULL OR m.leased_until <= now())
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
REVOKE ALL ON FUNCTION outbound_claim(integer, integer, integer, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION outbound_claim(integer, integer, integer, integer, integer) TO loyaltyd_app;
