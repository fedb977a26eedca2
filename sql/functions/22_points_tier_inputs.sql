-- For every customer of tenant t: the points earned in the window of window_days before
-- `at`, net of what refunds took back (as points_state counts them), and the tiers granted
-- by memberships running at `at`. Customers without points are there with 0 and '{}'.
CREATE OR REPLACE FUNCTION points_tier_inputs(t uuid, window_days integer, at timestamptz)
RETURNS TABLE (customer_id bigint, earned bigint, granted text[])
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT c.id, coalesce(w.earned, 0), coalesce(m.granted, '{}')
    FROM customers c
    LEFT JOIN (
        SELECT l.customer_id,
               greatest(0, sum(CASE WHEN l.kind = 'earn' THEN l.points ELSE l.points - l.shortfall END))::bigint AS earned
        FROM points_ledger l
        WHERE l.tenant_id = t AND l.kind IN ('earn', 'refund')
          AND l.created_at > at - make_interval(days => window_days) AND l.created_at <= at
        GROUP BY l.customer_id
    ) w ON w.customer_id = c.id
    LEFT JOIN (
        SELECT e.customer_id, array_agg(DISTINCT e.properties->>'tier') AS granted
        FROM events e
        WHERE e.tenant_id = t AND e.type = 'membership_purchased'
          AND (e.properties->>'until')::timestamptz > at
        GROUP BY e.customer_id
    ) m ON m.customer_id = c.id
    WHERE c.tenant_id = t;
END;
COMMENT ON FUNCTION points_tier_inputs(uuid, integer, timestamptz) IS 'Per customer of a tenant: points earned in the tier window and tiers granted by running memberships, the inputs of program_tier().';
