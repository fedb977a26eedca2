-- Every customer of a segment in row order, for the CSV (streamed): the parameters are
-- those of segment_page.sql without the cursor and the limit.
SELECT c.external_id, c.email, c.name, c.phone, rfc3339(c.signup_at), c.birthday::text,
       array_to_string(c.tags, ' '), rfc3339(c.created_at)
FROM customers c
WHERE c.tenant_id = $1
  AND c.id IN (SELECT s.customer_id
               FROM segment_customers($1, $2, $3::integer, $4::numeric,
                                      coalesce(report_instant($5, $6), now()), $6, $7::jsonb) s)
ORDER BY c.id
