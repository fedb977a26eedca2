-- tier.changed of the daily evaluation of tenant t: the changes that time makes (points
-- leaving the tier window, memberships ending or starting, a new programme) and any the
-- ledger trigger did not tell. Every customer is placed now (points_tier_inputs), in one
-- statement; those whose tier differs from the one last told, or who have none recorded
-- (recorded then without a message: a baseline), are told by outbound_tiers_tell under the
-- outbox lock (outbound_lock, which the fan-out holds when it tells the changes of ledger
-- entries: neither tells a change the other tells). Nothing for a programme without tiers.
-- Returns the messages written.
CREATE OR REPLACE FUNCTION outbound_daily_tiers(t uuid)
RETURNS integer
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    cfg jsonb := program_current(t);
    candidates bigint[];
BEGIN
    IF jsonb_typeof(cfg->'tiers') IS DISTINCT FROM 'array' OR jsonb_array_length(cfg->'tiers') = 0 THEN
        RETURN 0;
    END IF;
    candidates := ARRAY(
        SELECT i.customer_id
        FROM points_tier_inputs(t, coalesce((cfg->>'tier_window_days')::integer, 365), now()) i
        LEFT JOIN LATERAL program_tier(cfg, i.earned, i.granted) pt ON true
        LEFT JOIN outbound_tiers o ON o.tenant_id = t AND o.customer_id = i.customer_id
        WHERE o.customer_id IS NULL OR o.tier IS DISTINCT FROM pt.tier
        ORDER BY i.customer_id);
    IF cardinality(candidates) = 0 THEN
        RETURN 0;
    END IF;
    PERFORM outbound_lock();
    RETURN outbound_tiers_tell(t, cfg, candidates);
END;
$$;
