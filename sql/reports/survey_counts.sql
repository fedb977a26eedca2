-- Counts behind /v1/reports/nps and /v1/reports/csat, computed in PostgreSQL; loyaltyd
-- derives the figures (NPS, margins, intervals) from them.
--   $1 tenant, $2 survey id or NULL (every survey of the kind), $3 channel or NULL,
--   $4 from, $5 to (report_instant bounds), $6 IANA time zone, $7 interval (day, week,
--   month) or NULL, $8 true to count only each customer's latest answer in each period,
--   $9 kind (nps or csat).
-- One row per period: 'current' [from, to), 'previous' (the same length right before),
-- and with an interval one 'bucket' per local day/week (ISO, Monday)/month overlapping
-- [from, to), empty ones included, clipped to the range.
WITH upper_bound AS (
    SELECT coalesce(report_instant($5, $6), now()) AS t
), bounds AS (
    SELECT coalesce(report_instant($4, $6), t - interval '30 days') AS f, t FROM upper_bound
), periods AS (

    SELECT 0 AS ord, 'current' AS kind, f AS start, t AS stop FROM bounds
    UNION ALL
    SELECT 1, 'previous', f - (t - f), f FROM bounds
    UNION ALL
    SELECT 2 + row_number() OVER (ORDER BY local_start), 'bucket',
           greatest(local_start AT TIME ZONE $6, f),
           least((local_start + ('1 ' || $7)::interval) AT TIME ZONE $6, t)
    FROM bounds,
         generate_series(date_trunc($7, f AT TIME ZONE $6),
                         (t AT TIME ZONE $6) - interval '1 microsecond',
                         ('1 ' || $7)::interval) AS local_start
    WHERE $7::text IS NOT NULL
), answers AS (
    SELECT r.id, r.customer_id, r.score, r.responded_at
    FROM survey_responses r
    JOIN surveys s ON s.tenant_id = r.tenant_id AND s.id = r.survey_id AND s.kind = $9
    WHERE r.tenant_id = $1
      AND ($2::uuid IS NULL OR r.survey_id = $2::uuid)
      AND ($3::text IS NULL OR r.channel = $3::text)
      AND r.responded_at >= (SELECT f - (t - f) FROM bounds)
      AND r.responded_at < (SELECT t FROM bounds)
), placed AS (
    SELECT p.ord, a.score, a.responded_at,
           a.customer_id IS NULL
           OR row_number() OVER (PARTITION BY p.ord, a.customer_id
                                 ORDER BY a.responded_at DESC, a.id DESC) = 1 AS latest
    FROM periods p
    JOIN answers a ON a.responded_at >= p.start AND a.responded_at < p.stop
)
SELECT p.ord, p.kind, rfc3339_in(p.start, $6), rfc3339_in(p.stop, $6),
       count(x.score),
       count(x.score) FILTER (WHERE x.score >= 9),
       count(x.score) FILTER (WHERE x.score BETWEEN 7 AND 8),
       count(x.score) FILTER (WHERE x.score <= 6),
       count(x.score) FILTER (WHERE x.score >= 4),
       rfc3339(max(x.responded_at))
FROM periods p
LEFT JOIN placed x ON x.ord = p.ord AND (x.latest OR NOT $8::boolean)
GROUP BY p.ord, p.kind, p.start, p.stop
ORDER BY p.ord
