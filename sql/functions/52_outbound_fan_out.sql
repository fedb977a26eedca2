-- The outbox lock: one fan-out at a time across loyaltyd processes, and the daily
-- evaluation under the same lock, so that one customer's messages are made in the order of
-- its events and no tier change is told twice. Transaction-scoped (an advisory lock on one
-- bigint; the idempotency locks use the two-integer form, another key space).
CREATE OR REPLACE FUNCTION outbound_lock() RETURNS void
    LANGUAGE sql VOLATILE
    RETURN pg_advisory_xact_lock(1819244898);
CREATE OR REPLACE FUNCTION outbound_try_lock() RETURNS boolean
    LANGUAGE sql VOLATILE
    RETURN pg_try_advisory_xact_lock(1819244898);

-- The fan-out, across tenants: up to max_events of the oldest events recorded in
-- outbound_events (held FOR UPDATE, so that an erasure waits for what is made of them)
-- become one outbound_messages row each for every enabled endpoint that wants the type and
-- existed when the event was recorded, in event order (the message ids give the order of a
-- customer's messages), a points event's body rendered from its ledger entry (which never
-- changes; an event whose entry or customer is gone sends nothing); then the tier changes
-- that the ledger entries of the rows with tier_check made are told, entry by entry (outbound_tiers_steps, after the points messages of the
-- events taken); then the rows go. With wait false, a fan-out already running
-- elsewhere makes this one return 0 at once (the dispatcher's claim); with wait true it
-- waits for it (the daily evaluation, a message list). The lock is held to the end of the
-- caller's transaction. With min_age_seconds, only events recorded at least that long ago
-- are taken (the dispatcher's claim while the API is busy: a burst's events wait for it to
-- end, up to that long). Returns the events taken.
DROP FUNCTION IF EXISTS outbound_fan_out(integer, boolean);
CREATE OR REPLACE FUNCTION outbound_fan_out(max_events integer, wait boolean,
                                            min_age_seconds integer DEFAULT 0)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    ids bigint[];
    t uuid;
    cfg jsonb;
BEGIN
    IF wait THEN
        PERFORM outbound_lock();
    ELSIF NOT outbound_try_lock() THEN
        RETURN 0;
    END IF;
    ids := ARRAY(SELECT v.id FROM outbound_events v
                 WHERE min_age_seconds <= 0
                    OR v.created_at <= now() - make_interval(secs => min_age_seconds)
                 ORDER BY v.id LIMIT max_events FOR UPDATE);
    IF cardinality(ids) = 0 THEN
        RETURN 0;
    END IF;
    WITH event AS MATERIALIZED (
        SELECT v.id, v.tenant_id, v.type, v.customer_key, v.created_at,
               coalesce(v.body, outbound_points_body(v.type, l, c.external_id)) AS body
        FROM outbound_events v
        LEFT JOIN points_ledger l ON l.tenant_id = v.tenant_id AND l.id = v.entry_id
        LEFT JOIN customers c ON c.tenant_id = v.tenant_id AND c.id = v.customer_key
        WHERE v.id = ANY (ids) AND v.type IS NOT NULL
          AND (v.body IS NOT NULL OR (l.id IS NOT NULL AND c.id IS NOT NULL))
    )
    INSERT INTO outbound_messages (tenant_id, endpoint_id, type, customer_key, body, created_at)
    SELECT v.tenant_id, e.id, v.type, v.customer_key, v.body, v.created_at
    FROM event v
    JOIN event_endpoints e ON e.tenant_id = v.tenant_id AND e.enabled
                          AND (e.event_types IS NULL OR v.type = ANY (e.event_types))
                          AND e.created_at <= v.created_at
    ORDER BY v.id, e.id;
    FOR t IN SELECT DISTINCT v.tenant_id FROM outbound_events v
             WHERE v.id = ANY (ids) AND v.tier_check ORDER BY 1 LOOP
        CONTINUE WHEN NOT outbound_wants(t, 'tier.changed');
        cfg := program_current(t);
        CONTINUE WHEN jsonb_typeof(cfg->'tiers') IS DISTINCT FROM 'array'
                      OR jsonb_array_length(cfg->'tiers') = 0;
        PERFORM outbound_tiers_steps(
            t, cfg,
            ARRAY(SELECT v.entry_id FROM outbound_events v
                  WHERE v.id = ANY (ids) AND v.tenant_id = t AND v.tier_check));
    END LOOP;
    DELETE FROM outbound_events v WHERE v.id = ANY (ids);
    RETURN cardinality(ids);
END;
$$;
REVOKE ALL ON FUNCTION outbound_fan_out(integer, boolean, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION outbound_fan_out(integer, boolean, integer) TO loyaltyd_app;
