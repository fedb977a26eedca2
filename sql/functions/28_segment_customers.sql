-- The customers (row ids) of segment `name` of tenant t as of as_of:
--   every RFM segment (rfm_scores);
--   promoters, passives, detractors: the category of the latest NPS answer;
--   advocates: promoters with at least one referral event, and customers whose referral
--     events name (properties.referred_customer_id, an external id) a customer who ordered;
--   lapsed: customers whose last order is more than `days` days before as_of;
--   due_for_reorder: 2 orders or more, and more days since the last than the median of
--     the days between their consecutive orders;
--   anniversaries: the anniversary of the first order or of the signup (in a later year),
--     or the birthday, falls within the `days` days from as_of's date in tz;
--   key_customers: the top `pct` % by historical CLV (net order amount; ceil of the share,
--     ties by external_id bytewise);
--   tier:NAME: the customers in that tier of programme `program` now.
-- Orders and refunds count up to as_of. An unknown name gives no rows (see
-- segment_known()).
CREATE OR REPLACE FUNCTION segment_customers(t uuid, name text, days integer, pct numeric,
                                  as_of timestamptz, tz text, program jsonb)
RETURNS TABLE (customer_id bigint)
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF name = ANY (rfm_segment_names()) THEN
        RETURN QUERY SELECT s.customer_id FROM rfm_scores(t, as_of) s WHERE s.segment = name;
    ELSIF name IN ('promoters', 'passives', 'detractors') THEN
        RETURN QUERY SELECT n.customer_id FROM customer_nps_latest n
                     WHERE n.tenant_id = t AND n.category = rtrim(name, 's');
    ELSIF name = 'advocates' THEN
        RETURN QUERY
            SELECT n.customer_id FROM customer_nps_latest n
            WHERE n.tenant_id = t AND n.category = 'promoter'
              AND EXISTS (SELECT 1 FROM events e WHERE e.tenant_id = t AND e.customer_id = n.customer_id
                          AND e.type = 'referral' AND e.occurred_at <= as_of)
            UNION
            SELECT e.customer_id FROM events e
            JOIN customers referred ON referred.tenant_id = t
                                   AND referred.external_id = e.properties->>'referred_customer_id'
            WHERE e.tenant_id = t AND e.type = 'referral' AND e.occurred_at <= as_of
              AND EXISTS (SELECT 1 FROM events o WHERE o.tenant_id = t AND o.customer_id = referred.id
                          AND o.type = 'order' AND o.occurred_at <= as_of);
    ELSIF name = 'lapsed' THEN
        RETURN QUERY SELECT s.customer_id FROM rfm_scores(t, as_of) s
                     WHERE s.last_order_at < as_of - make_interval(days => days);
    ELSIF name = 'due_for_reorder' THEN
        RETURN QUERY
            WITH o AS (
                SELECT e.customer_id, e.occurred_at,
                       e.occurred_at - lag(e.occurred_at) OVER (PARTITION BY e.customer_id ORDER BY e.occurred_at, e.id) AS gap
                FROM events e
                WHERE e.tenant_id = t AND e.type = 'order' AND e.occurred_at <= as_of
            )
            SELECT o.customer_id FROM o
            GROUP BY o.customer_id
            HAVING count(*) >= 2
               AND as_of - max(o.occurred_at) > percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM o.gap))
                                                * interval '1 second';
    ELSIF name = 'anniversaries' THEN
        RETURN QUERY
            WITH today AS (SELECT (as_of AT TIME ZONE tz)::date AS d)
            SELECT c.id FROM customers c
            LEFT JOIN customer_rollups r ON r.tenant_id = t AND r.customer_id = c.id, today
            WHERE c.tenant_id = t
              AND ((r.first_order_at <= as_of
                    AND next_anniversary((r.first_order_at AT TIME ZONE tz)::date, today.d)
                        > (r.first_order_at AT TIME ZONE tz)::date
                    AND next_anniversary((r.first_order_at AT TIME ZONE tz)::date, today.d) < today.d + days)
                OR (c.signup_at <= as_of
                    AND next_anniversary((c.signup_at AT TIME ZONE tz)::date, today.d)
                        > (c.signup_at AT TIME ZONE tz)::date
                    AND next_anniversary((c.signup_at AT TIME ZONE tz)::date, today.d) < today.d + days)
                OR next_anniversary(c.birthday, today.d) < today.d + days);
    ELSIF name = 'key_customers' THEN
        RETURN QUERY
            WITH ranked AS (
                SELECT s.customer_id, row_number() OVER (ORDER BY s.monetary DESC, s.external_id) AS n,
                       count(*) OVER () AS total
                FROM rfm_scores(t, as_of) s
            )
            SELECT ranked.customer_id FROM ranked WHERE ranked.n <= ceil(ranked.total * pct / 100);
    ELSIF name LIKE 'tier:%' THEN
        RETURN QUERY
            SELECT i.customer_id
            FROM points_tier_inputs(t, coalesce((program->>'tier_window_days')::integer, 365), now()) i
            CROSS JOIN LATERAL program_tier(program, i.earned, i.granted) pt
            WHERE pt.tier = substr(name, 6);
    END IF;
END;
$$;
