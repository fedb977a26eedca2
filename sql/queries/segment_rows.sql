-- Every customer of a segment in row order with their RFM figures, for the CSV (streamed):
-- the parameters are those of segment_page.sql without the cursor and the limit. The tags
-- are their JSON array (["two words","x"]), which a tag with a space or a comma survives.
SELECT c.external_id, c.email, c.name, c.phone, rfc3339(c.signup_at), c.birthday::text,
       array_to_json(c.tags)::text, rfc3339(c.created_at),
       sm.recency_days::text, sm.frequency::text, sm.monetary::text,
       sm.r::text, sm.f::text, sm.m::text, sm.segment
FROM segment_members($1, $2, $3::integer, $4::numeric, coalesce(report_instant($5, $6), now()),
                     $6, $7::jsonb) sm
JOIN customers c ON c.tenant_id = $1 AND c.id = sm.customer_id
ORDER BY c.id
