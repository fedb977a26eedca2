-- One page of a tenant's surveys in creation order; $2 is the cursor (last seq) or NULL.
SELECT s.seq, survey_json(s, (SELECT count(*) FROM survey_responses r WHERE r.tenant_id = s.tenant_id AND r.survey_id = s.id))
FROM surveys s
WHERE s.tenant_id = $1 AND ($2::bigint IS NULL OR s.seq > $2::bigint)
ORDER BY s.seq
LIMIT $3
