-- One page of a segment's customers in row order (see segment_customers(), migration 0014),
-- each with their RFM figures as of as_of (DESIGN.md §5; null scores and no orders for a
-- customer who had none): $1 tenant, $2 segment, $3 days, $4 pct, $5 as_of
-- (report_instant; NULL: now), $6 tz, $7 programme (jsonb) or NULL, $8 the cursor (last row
-- id seen) or NULL, $9 rows. An RFM segment's members come from the one scoring.
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
SELECT c.id,
       json_build_object(
           'external_id', c.external_id, 'email', c.email, 'name', c.name,
           'recency_days', sc.recency_days, 'frequency', coalesce(sc.frequency, 0),
           'monetary', coalesce(sc.monetary, 0)::text,
           'r', sc.r, 'f', sc.f, 'm', sc.m, 'segment', sc.segment,
           'phone', c.phone, 'signup_at', rfc3339(c.signup_at), 'birthday', c.birthday::text,
           'attributes', c.attributes, 'tags', c.tags,
           'created_at', rfc3339(c.created_at), 'updated_at', rfc3339(c.updated_at))
FROM customers c
LEFT JOIN scores sc ON sc.customer_id = c.id
WHERE c.tenant_id = $1
  AND c.id IN (SELECT m.customer_id FROM members m)
  AND ($8::bigint IS NULL OR c.id > $8::bigint)
ORDER BY c.id
LIMIT $9
