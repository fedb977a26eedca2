-- Cohorts behind /v1/reports/cohorts (docs/DESIGN.md §6), one row per cohort.
--   $1 tenant, $2 from, $3 to (report_instant bounds; to defaults to now, from to the start
--   of the interval eleven intervals before to's, so twelve), $4 IANA time zone, $5 'month'
--   or 'week' (ISO weeks, from Monday).
-- A customer's cohort is the local interval of their first order ever (customer_rollups);
-- cohorts are those of first orders in [from, to). For every cohort and every interval
-- from it up to to's: the members with an order in it, their share of the cohort (%,
-- 2 decimals, half away from zero; null for an empty cohort) and their net revenue in it
-- (orders less refunds). Every interval of the range is a cohort, empty ones included.
WITH ub AS (
    SELECT coalesce(report_instant($3, $4), now()) AS t
), rng AS (
    SELECT coalesce(report_instant($2, $4),
                    (date_trunc($5, t AT TIME ZONE $4) - 11 * ('1 ' || $5)::interval) AT TIME ZONE $4) AS f,
           t
    FROM ub
), buckets AS (
    SELECT row_number() OVER (ORDER BY b) - 1 AS n, b AS local_start
    FROM rng, generate_series(date_trunc($5, f AT TIME ZONE $4),
                              (t AT TIME ZONE $4) - interval '1 microsecond',
                              ('1 ' || $5)::interval) AS b
), members AS (
    SELECT r.customer_id, date_trunc($5, r.first_order_at AT TIME ZONE $4) AS cohort
    FROM customer_rollups r, rng
    WHERE r.tenant_id = $1 AND r.first_order_at >= rng.f AND r.first_order_at < rng.t
), sizes AS (
    SELECT cohort, count(*) AS size FROM members GROUP BY cohort
), activity AS MATERIALIZED (
    -- once, as one hash join of the members with the range's orders: inlined into each
    -- cohort's cells the planner probed the events of every member one by one (2.7 s
    -- against 1.6 s for a million orders)
    SELECT m.cohort, date_trunc($5, e.occurred_at AT TIME ZONE $4) AS bucket,
           count(DISTINCT e.customer_id) FILTER (WHERE e.type = 'order') AS customers,
           coalesce(sum(e.amount) FILTER (WHERE e.type = 'order'), 0)
           - coalesce(sum(e.amount) FILTER (WHERE e.type = 'refund'), 0) AS revenue
    FROM members m
    JOIN events e ON e.tenant_id = $1 AND e.customer_id = m.customer_id
                 AND e.type IN ('order', 'refund')
    CROSS JOIN rng
    WHERE e.occurred_at >= rng.f AND e.occurred_at < rng.t
    GROUP BY 1, 2
)
SELECT c.n, rfc3339_in(greatest(c.local_start AT TIME ZONE $4, rng.f), $4), coalesce(s.size, 0),
       -- the matrix grows with the square of the intervals: loyaltyd refuses over 400
       CASE WHEN (SELECT count(*) FROM buckets) <= 400 THEN (SELECT json_agg(json_build_object(
                   'period', p.n - c.n,
                   'start', rfc3339_in(greatest(p.local_start AT TIME ZONE $4, rng.f), $4),
                   'customers', coalesce(a.customers, 0),
                   'rate', CASE WHEN s.size > 0 THEN round(100.0 * coalesce(a.customers, 0) / s.size, 2) END,
                   'revenue', coalesce(a.revenue, 0)::text) ORDER BY p.n)
        FROM buckets p
        LEFT JOIN activity a ON a.cohort = c.local_start AND a.bucket = p.local_start
        WHERE p.n >= c.n) END,
       rfc3339_in(rng.f, $4), rfc3339_in(rng.t, $4)
FROM buckets c
CROSS JOIN rng
LEFT JOIN sizes s ON s.cohort = c.local_start
ORDER BY c.n
