-- Retention behind /v1/reports/retention (docs/DESIGN.md §6), one row per period.
--   $1 tenant, $2 from, $3 to (report_instant bounds; to defaults to now, from to
--   window_days before to), $4 IANA time zone, $5 window_days, $6 'month' for a series of
--   local months (the first and last clipped to [from, to)) or NULL for one period.
-- A customer is active at t with an order in (t - window, t]. For each period [start,
-- stop): s = active at start, e = active at stop, new = first order ever in the period,
-- retained = in both, lost = in s only, reactivated = in e only with a first order before
-- start. Period 0 is the whole range; periods 1… the series. With $7 = 'nps_category',
-- rows for period 0 follow for each category of the customers' latest NPS answer
-- (promoter, passive, detractor, none), column 10 naming it.
WITH ub AS (
    SELECT coalesce(report_instant($3, $4), now()) AS t
), rng AS (
    SELECT coalesce(report_instant($2, $4), t - make_interval(days => $5)) AS f, t FROM ub
), cuts AS (
    -- the instants the periods start and stop at
    SELECT f AS at FROM rng
    UNION
    SELECT t FROM rng
    UNION
    SELECT m AT TIME ZONE $4
    FROM rng, generate_series(date_trunc('month', f AT TIME ZONE $4) + interval '1 month',
                              (t AT TIME ZONE $4) - interval '1 microsecond',
                              interval '1 month') AS m
    WHERE $6::text = 'month'
), points AS (
    SELECT row_number() OVER (ORDER BY at) AS n, at FROM cuts, rng WHERE at >= rng.f AND at <= rng.t
), periods AS (
    SELECT 0 AS k, rng.f AS start, rng.t AS stop FROM rng WHERE rng.f < rng.t
    UNION ALL
    SELECT a.n, a.at, b.at FROM points a JOIN points b ON b.n = a.n + 1 WHERE $6::text = 'month'
), active AS (
    SELECT DISTINCT p.at, o.customer_id
    FROM points p
    JOIN events o ON o.tenant_id = $1 AND o.type = 'order'
                 AND o.occurred_at > p.at - make_interval(days => $5) AND o.occurred_at <= p.at
    -- more than 1,000 periods is refused (loyaltyd checks the last column): not computed
    WHERE (SELECT count(*) FROM points) <= 1001
), flags AS (
    -- per period and customer: active at its start, at its stop
    SELECT x.k, x.customer_id, bool_or(x.s) AS s, bool_or(x.e) AS e
    FROM (
        SELECT pe.k, a.customer_id, true AS s, false AS e
        FROM periods pe JOIN active a ON a.at = pe.start
        UNION ALL
        SELECT pe.k, a.customer_id, false, true
        FROM periods pe JOIN active a ON a.at = pe.stop
    ) AS x
    GROUP BY x.k, x.customer_id
), cat AS (
    -- with $7 = 'nps_category': each buying customer's latest NPS category, or 'none'
    SELECT r.customer_id, coalesce(n.category, 'none') AS g
    FROM customer_rollups r
    LEFT JOIN customer_nps_latest n ON n.tenant_id = $1 AND n.customer_id = r.customer_id
    WHERE r.tenant_id = $1 AND $7::text = 'nps_category'
), counts AS (
    SELECT fl.k, ca.g,
           count(*) FILTER (WHERE fl.s) AS s,
           count(*) FILTER (WHERE fl.e) AS e,
           count(*) FILTER (WHERE fl.s AND fl.e) AS retained,
           count(*) FILTER (WHERE fl.s AND NOT fl.e) AS lost,
           count(*) FILTER (WHERE fl.e AND NOT fl.s AND r.first_order_at < pe.start) AS reactivated
    FROM flags fl
    JOIN periods pe ON pe.k = fl.k
    LEFT JOIN customer_rollups r ON r.tenant_id = $1 AND r.customer_id = fl.customer_id
    LEFT JOIN cat ca ON ca.customer_id = fl.customer_id
    GROUP BY fl.k, ca.g
), rows_ AS (
    -- every period for everyone (g null), and the whole range (k 0) for each group
    SELECT pe.k, NULL::text AS g, pe.start, pe.stop FROM periods pe
    UNION ALL
    SELECT 0, x.g, pe.start, pe.stop
    FROM periods pe, unnest(ARRAY['promoter', 'passive', 'detractor', 'none']) WITH ORDINALITY AS x(g, o)
    WHERE pe.k = 0 AND $7::text = 'nps_category'
)
SELECT ro.k, rfc3339_in(ro.start, $4), rfc3339_in(ro.stop, $4),
       coalesce(sum(c.s), 0), coalesce(sum(c.e), 0),
       (SELECT count(*) FROM customer_rollups r
        LEFT JOIN cat ON cat.customer_id = r.customer_id
        WHERE r.tenant_id = $1 AND r.first_order_at >= ro.start AND r.first_order_at < ro.stop
          AND (ro.g IS NULL OR cat.g = ro.g)),
       coalesce(sum(c.reactivated), 0), coalesce(sum(c.retained), 0), coalesce(sum(c.lost), 0),
       ro.g, (SELECT count(*) - 1 FROM points) -- periods of the series
FROM rows_ ro
LEFT JOIN counts c ON c.k = ro.k AND (ro.g IS NULL OR c.g = ro.g)
GROUP BY ro.k, ro.g, ro.start, ro.stop
ORDER BY ro.g IS NOT NULL, ro.k,
         array_position(ARRAY['promoter', 'passive', 'detractor', 'none'], ro.g)
