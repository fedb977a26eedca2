-- One page of a survey's answers, newest first; the cursor is (responded_at, id) of the
-- last answer seen. q searches comments (simple configuration: words, any language).
SELECT rfc3339(r.responded_at), r.id, survey_response_json(r, c.external_id, $2)
FROM survey_responses r
LEFT JOIN customers c ON c.tenant_id = r.tenant_id AND c.id = r.customer_id
WHERE r.tenant_id = $1 AND r.survey_id = $3
  AND ($4::smallint IS NULL OR r.score >= $4::smallint)
  AND ($5::smallint IS NULL OR r.score <= $5::smallint)
  AND ($6::boolean IS NULL OR (r.comment IS NOT NULL AND r.comment <> '') = $6::boolean)
  AND ($7::timestamptz IS NULL OR r.responded_at >= $7::timestamptz)
  AND ($8::timestamptz IS NULL OR r.responded_at < $8::timestamptz)
  AND ($9::text IS NULL OR r.channel = $9::text)
  AND ($10::text IS NULL OR r.comment_tsv @@ websearch_to_tsquery('simple', $10::text))
  AND ($11::timestamptz IS NULL OR (r.responded_at, r.id) < ($11::timestamptz, $12::bigint))
ORDER BY r.responded_at DESC, r.id DESC
LIMIT $13
