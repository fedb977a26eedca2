-- The RFM report behind /v1/reports/rfm, from rfm_scores() (migration 0013).
--   $1 tenant, $2 as_of (report_instant; default now), $3 IANA time zone of a date as_of.
-- One row: as_of, the customers scored, one JSON object per segment in docs/DESIGN.md's order
-- (empty ones included) with customers, share of the scored (%), revenue (net, decimal
-- text) and mean R (days), F and M; the 5×5 grid of counts, grid[R-1][F-1]; as_of in tz.
WITH a AS (
    SELECT coalesce(report_instant($2, $3), now()) AS as_of
), s AS (
    SELECT x.* FROM a, rfm_scores($1, a.as_of) AS x
), total AS (
    SELECT count(*) AS n FROM s
), seg AS (
    SELECT segment, count(*) AS n, sum(monetary) AS revenue, avg(recency_days) AS rec,
           avg(frequency) AS freq, avg(monetary) AS mon
    FROM s GROUP BY segment
), cells AS (
    SELECT rr, ff, count(s.customer_id) AS n
    FROM generate_series(1, 5) AS rr
    CROSS JOIN generate_series(1, 5) AS ff
    LEFT JOIN s ON s.r = rr AND s.f = ff
    GROUP BY rr, ff
)
SELECT rfc3339(a.as_of), total.n,
       (SELECT json_agg(json_build_object(
                   'segment', names.name, 'customers', coalesce(seg.n, 0),
                   'share', CASE WHEN total.n > 0 THEN round(100.0 * coalesce(seg.n, 0) / total.n, 2) END,
                   'revenue', coalesce(seg.revenue, 0)::text,
                   'mean_recency_days', round(seg.rec, 2), 'mean_frequency', round(seg.freq, 2),
                   'mean_monetary', round(seg.mon, 2)) ORDER BY names.ord)
        FROM unnest(rfm_segment_names()) WITH ORDINALITY AS names(name, ord)
        LEFT JOIN seg ON seg.segment = names.name),
       (SELECT json_agg(row_counts ORDER BY rr)
        FROM (SELECT rr, json_agg(n ORDER BY ff) AS row_counts FROM cells GROUP BY rr) AS g),
       rfc3339_in(a.as_of, $3) -- as_of in the time zone (which PostgreSQL checks here)
FROM a, total
