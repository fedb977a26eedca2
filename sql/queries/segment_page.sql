-- One page of a segment's customers in row order, each with their RFM figures
-- (segment_members(), sql/functions/31_segment_members.sql): $1 tenant, $2 segment,
-- $3 days, $4 pct, $5 as_of (report_instant; NULL: now), $6 tz, $7 programme (jsonb) or
-- NULL, $8 the cursor (last row id seen) or NULL, $9 rows.
SELECT c.id,
       json_build_object(
           'external_id', c.external_id, 'email', c.email, 'name', c.name,
           'recency_days', sm.recency_days, 'frequency', sm.frequency,
           'monetary', sm.monetary::text, 'r', sm.r, 'f', sm.f, 'm', sm.m, 'segment', sm.segment,
           'phone', c.phone, 'signup_at', rfc3339(c.signup_at), 'birthday', c.birthday::text,
           'attributes', c.attributes, 'tags', c.tags,
           'created_at', rfc3339(c.created_at), 'updated_at', rfc3339(c.updated_at))
FROM segment_members($1, $2, $3::integer, $4::numeric, coalesce(report_instant($5, $6), now()),
                     $6, $7::jsonb) sm
JOIN customers c ON c.tenant_id = $1 AND c.id = sm.customer_id
WHERE $8::bigint IS NULL OR c.id > $8::bigint
ORDER BY c.id
LIMIT $9
