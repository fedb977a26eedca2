-- The size of every named segment behind /v1/reports/segments (segment_customers(),
-- migration 0014), with each segment's default parameters (lapsed: 90 days,
-- anniversaries: 7 days, key_customers: 10 %).
--   $1 tenant, $2 as_of (report_instant; NULL: now), $3 IANA time zone. The tier segments
--   are those of the programme in force.
-- One row: as_of, and a JSON array of {name, customers} in segment order.
WITH prog AS (
    SELECT program_current($1) AS config
), a AS (
    SELECT coalesce(report_instant($2, $3), now()) AS as_of
), rfm AS (
    SELECT s.segment, count(*) AS n FROM a, rfm_scores($1, a.as_of) s GROUP BY s.segment
)
SELECT rfc3339(a.as_of),
       (SELECT json_agg(json_build_object(
                   'name', s.name,
                   'customers', CASE WHEN s.name = ANY (rfm_segment_names())
                                     THEN coalesce((SELECT rfm.n FROM rfm WHERE rfm.segment = s.name), 0)
                                     ELSE (SELECT count(*) FROM segment_customers(
                                               $1, s.name, CASE s.name WHEN 'anniversaries' THEN 7 ELSE 90 END,
                                               10, a.as_of, $3, (SELECT config FROM prog))) END) ORDER BY s.o)
        FROM unnest(segment_names((SELECT config FROM prog))) WITH ORDINALITY AS s(name, o)),
       rfc3339_in(a.as_of, $3)
FROM a
