-- The programme's liability behind /v1/reports/points, computed in PostgreSQL; loyaltyd
-- derives cash values and breakage from it.
--   $1 tenant, $2 from, $3 to (report_instant bounds; to defaults to now, from to the
--   start of the month eleven months before to's, so twelve months), $4 IANA time zone.
-- One row: outstanding points now (lapsed never counted, written off or not), the
-- customers holding them, points expiring within 30/60/90 days, lifetime totals, the
-- customers per tier (JSON, in programme order, empty tiers included), and one JSON
-- object per local month overlapping [from, to) with what was earned, redeemed, expired,
-- taken back by refunds and adjusted in it; and the programme in force (JSON, or null).
-- Redeemed is net of the points that coupons expired unused gave back ('return' entries).
WITH prog AS (
    SELECT program_current($1) AS config -- once: (SELECT config FROM prog) below
), upper_bound AS (
    SELECT coalesce(report_instant($3, $4), now()) AS t
), bounds AS (
    SELECT coalesce(report_instant($2, $4),
                    (date_trunc('month', t AT TIME ZONE $4) - interval '11 months') AT TIME ZONE $4) AS f,
           t
    FROM upper_bound
), months AS (
    SELECT m AS local_month,
           greatest(m AT TIME ZONE $4, f) AS start,
           least((m + interval '1 month') AT TIME ZONE $4, t) AS stop
    FROM bounds,
         generate_series(date_trunc('month', f AT TIME ZONE $4),
                         (t AT TIME ZONE $4) - interval '1 microsecond', interval '1 month') AS m
), l AS (
    SELECT * FROM points_ledger WHERE tenant_id = $1
-- Lots are consumed as points_state() consumes them: by every negative entry, in order
-- of expiry (then age); a lot's remainder is what the consumption did not reach.
), consumed AS (
    SELECT customer_id, -sum(points) AS used FROM l WHERE points < 0 GROUP BY customer_id
), lots AS (
    SELECT customer_id, expires_at, points,
           sum(points) OVER (PARTITION BY customer_id
                             ORDER BY expires_at NULLS LAST, created_at, id) AS upto
    FROM l WHERE points > 0
), remaining AS (
    SELECT lots.customer_id, lots.expires_at,
           greatest(0, least(lots.points, lots.upto - coalesce(c.used, 0))) AS left_over
    FROM lots LEFT JOIN consumed c ON c.customer_id = lots.customer_id
), live AS (
    SELECT * FROM remaining WHERE left_over > 0 AND (expires_at IS NULL OR expires_at > now())
), lapsed AS (
    -- lapsed but not yet written off: counted as expired when they lapsed
    SELECT * FROM remaining WHERE left_over > 0 AND expires_at <= now()
), by_month AS (
    SELECT date_trunc('month', at AT TIME ZONE $4) AS local_month,
           sum(earned) AS earned, sum(redeemed) AS redeemed, sum(expired) AS expired,
           sum(taken_back) AS taken_back, sum(adjusted) AS adjusted
    FROM (
        SELECT created_at AS at,
               CASE WHEN kind = 'earn' THEN points ELSE 0 END AS earned,
               CASE WHEN kind IN ('redeem', 'return') THEN -points ELSE 0 END AS redeemed,
               CASE WHEN kind = 'expire' THEN -points ELSE 0 END AS expired,
               CASE WHEN kind = 'refund' THEN -points ELSE 0 END AS taken_back,
               CASE WHEN kind = 'adjust' THEN points ELSE 0 END AS adjusted
        FROM l, bounds WHERE l.created_at >= bounds.f AND l.created_at < bounds.t
        UNION ALL
        SELECT expires_at, 0, 0, left_over, 0, 0
        FROM lapsed, bounds WHERE expires_at >= bounds.f AND expires_at < bounds.t
    ) AS x
    GROUP BY 1
), tiers AS (
    SELECT pt.tier, sum(g.customers) AS customers
    FROM (
        SELECT earned, granted, count(*) AS customers
        FROM points_tier_inputs($1, coalesce(((SELECT config FROM prog)->>'tier_window_days')::integer, 365), now())
        GROUP BY earned, granted
    ) AS g
    CROSS JOIN LATERAL program_tier((SELECT config FROM prog), g.earned, g.granted) AS pt
    GROUP BY pt.tier
)
SELECT
    coalesce((SELECT sum(left_over) FROM live), 0)::bigint AS outstanding,
    (SELECT count(DISTINCT customer_id) FROM live) AS customers_with_points,
    coalesce((SELECT sum(left_over) FROM live WHERE expires_at <= now() + interval '30 days'), 0)::bigint,
    coalesce((SELECT sum(left_over) FROM live WHERE expires_at <= now() + interval '60 days'), 0)::bigint,
    coalesce((SELECT sum(left_over) FROM live WHERE expires_at <= now() + interval '90 days'), 0)::bigint,
    coalesce((SELECT sum(points) FROM l WHERE kind = 'earn'), 0)::bigint AS earned,
    coalesce((SELECT -sum(points) FROM l WHERE kind IN ('redeem', 'return')), 0)::bigint AS redeemed,
    (coalesce((SELECT -sum(points) FROM l WHERE kind = 'expire'), 0)
     + coalesce((SELECT sum(left_over) FROM lapsed), 0))::bigint AS expired,
    coalesce((SELECT -sum(points) FROM l WHERE kind = 'refund'), 0)::bigint AS taken_back,
    coalesce((SELECT sum(shortfall) FROM l WHERE kind = 'refund'), 0)::bigint AS shortfall,
    coalesce((SELECT sum(points) FROM l WHERE kind = 'adjust'), 0)::bigint AS adjusted,
    (SELECT coalesce(json_agg(json_build_object('name', x.value->>'name',
                                                'customers', coalesce(tiers.customers, 0))
                              ORDER BY x.ord), '[]')
     FROM jsonb_array_elements(coalesce((SELECT config FROM prog)->'tiers', '[]')) WITH ORDINALITY AS x(value, ord)
     LEFT JOIN tiers ON tiers.tier = x.value->>'name') AS tiers,
    (SELECT coalesce(json_agg(json_build_object(
                'start', rfc3339_in(m.start, $4), 'end', rfc3339_in(m.stop, $4),
                'earned', coalesce(b.earned, 0), 'redeemed', coalesce(b.redeemed, 0),
                'expired', coalesce(b.expired, 0), 'taken_back', coalesce(b.taken_back, 0),
                'adjusted', coalesce(b.adjusted, 0)) ORDER BY m.start), '[]')
     FROM months m LEFT JOIN by_month b ON b.local_month = m.local_month) AS series,
    (SELECT rfc3339_in(f, $4) FROM bounds) AS range_from,
    (SELECT rfc3339_in(t, $4) FROM bounds) AS range_to,
    (SELECT count(*) FROM months) AS months,
    (SELECT f < t FROM bounds) AS ordered,

    rfc3339(now()) AS as_of,
    (SELECT config FROM prog)::text AS program
