-- A customer's points at instant at: lots are consumed in order of expiry (then age) by
-- every negative entry; a lot's remainder is what the consumption did not reach. Points
-- earned in the tier window count net of what refunds took back (a refunded order does
-- not lift a customer's tier).
CREATE OR REPLACE FUNCTION points_state(t uuid, c bigint, at timestamptz, window_days integer)
RETURNS TABLE (balance bigint, lapsed bigint, expiring_points bigint, expiring_at timestamptz,
               lifetime_earned bigint, lifetime_redeemed bigint, earned_in_window bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH l AS (
        SELECT * FROM points_ledger WHERE tenant_id = t AND customer_id = c
    ), consumed AS (
        SELECT coalesce(-sum(points), 0) AS used FROM l WHERE points < 0
    ), lots AS (
        SELECT expires_at, points,
               sum(points) OVER (ORDER BY expires_at NULLS LAST, created_at, id) AS upto
        FROM l WHERE points > 0
    ), remaining AS (
        SELECT expires_at, greatest(0, least(points, upto - (SELECT used FROM consumed))) AS left_over
        FROM lots
    ), next_expiry AS (
        SELECT min(expires_at) AS at FROM remaining WHERE left_over > 0 AND expires_at > at
    )
    SELECT
        coalesce((SELECT sum(left_over) FROM remaining WHERE expires_at IS NULL OR expires_at > at), 0)::bigint,
        coalesce((SELECT sum(left_over) FROM remaining WHERE expires_at <= at), 0)::bigint,
        (SELECT sum(left_over) FROM remaining, next_expiry n WHERE remaining.expires_at = n.at)::bigint,
        (SELECT n.at FROM next_expiry n),
        coalesce((SELECT sum(points) FROM l WHERE kind = 'earn'), 0)::bigint,
        -- redeemed net of the points coupons that expired unused gave back
        coalesce((SELECT -sum(points) FROM l WHERE kind IN ('redeem', 'return')), 0)::bigint,
        greatest(0, coalesce((SELECT sum(CASE WHEN kind = 'earn' THEN points ELSE points - shortfall END)
                              FROM l WHERE kind IN ('earn', 'refund')
                              AND created_at > at - make_interval(days => window_days)), 0))::bigint;
END;
COMMENT ON FUNCTION points_state(uuid, bigint, timestamptz, integer) IS 'Balance, lapsed-but-unwritten points, next expiry, lifetime figures and points earned in the tier window of one customer.';
