-- One page of a segment's customers in row order (see segment_customers(), migration 0014):
-- $1 tenant, $2 segment, $3 days, $4 pct, $5 as_of (report_instant; NULL: now), $6 tz,
-- $7 programme (jsonb) or NULL, $8 the cursor (last row id seen) or NULL, $9 rows.
SELECT c.id, customer_json(c)
FROM customers c
WHERE c.tenant_id = $1
  AND c.id IN (SELECT s.customer_id
               FROM segment_customers($1, $2, $3::integer, $4::numeric,
                                      coalesce(report_instant($5, $6), now()), $6, $7::jsonb) s)
  AND ($8::bigint IS NULL OR c.id > $8::bigint)
ORDER BY c.id
LIMIT $9
