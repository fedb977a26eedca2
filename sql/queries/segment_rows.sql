-- Every customer of a segment in row order with their RFM figures, for the CSV (streamed):
-- the parameters are those of segment_page.sql without the cursor and the limit.
WITH asof AS (
    SELECT coalesce(report_instant($5, $6), now()) AS t
), scores AS MATERIALIZED (
    SELECT sc.* FROM asof, rfm_scores($1, asof.t) sc
), members AS (
    SELECT sc.customer_id FROM scores sc WHERE sc.segment = $2
    UNION ALL
    SELECT s.customer_id
    FROM asof, segment_customers($1, $2, $3::integer, $4::numeric, asof.t, $6, $7::jsonb) s
    WHERE NOT ($2 = ANY (rfm_segment_names()))
)
SELECT c.external_id, c.email, c.name, c.phone, rfc3339(c.signup_at), c.birthday::text,
       array_to_string(c.tags, ' '), rfc3339(c.created_at),
       sc.recency_days::text, coalesce(sc.frequency, 0)::text, coalesce(sc.monetary, 0)::text,
       sc.r::text, sc.f::text, sc.m::text, sc.segment
FROM customers c
LEFT JOIN scores sc ON sc.customer_id = c.id
WHERE c.tenant_id = $1
  AND c.id IN (SELECT m.customer_id FROM members m)
ORDER BY c.id
