-- Customer c's tier now under programme cfg, computed as points_state and program_tier do
-- (the points earned in the tier window net of refunds, the tiers granted by running
-- memberships). tier is null when the points reach no tier and no membership grants one.
DROP FUNCTION IF EXISTS outbound_tier_now(uuid, bigint, jsonb, bigint[]);
CREATE OR REPLACE FUNCTION outbound_tier_now(t uuid, c bigint, cfg jsonb)
RETURNS TABLE (tier text, earned bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH w AS (
        SELECT greatest(0, coalesce(sum(CASE WHEN l.kind = 'earn' THEN l.points
                                             ELSE l.points - l.shortfall END), 0))::bigint AS earned
        FROM points_ledger l
        WHERE l.tenant_id = t AND l.customer_id = c AND l.kind IN ('earn', 'refund')
          AND l.created_at > now() - make_interval(days => coalesce((cfg->>'tier_window_days')::integer, 365))
    )
    SELECT pt.tier, w.earned
    FROM w LEFT JOIN LATERAL program_tier(cfg, w.earned, points_granted(t, c, now())) pt ON true;
END;
