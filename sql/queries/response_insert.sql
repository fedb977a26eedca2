-- Stores one survey answer; the customer (if any) is created on first sight in the same
-- statement. An answer whose client id the tenant already has is not stored again: it is
-- a replay only when it is the same answer (survey, customer, score, comment, channel,
-- follow-up answers, and responded_at when the repeat names one) — then the stored one is
-- returned with state 'replayed'; any other repeat is state 'conflict' with nothing of
-- the stored answer, which may be another customer's.
WITH customer AS (
    INSERT INTO customers (tenant_id, external_id)
    SELECT $1::uuid, $3 WHERE $3::text IS NOT NULL
    ON CONFLICT (tenant_id, external_id) DO UPDATE SET external_id = EXCLUDED.external_id
    RETURNING id
), stored AS (
    INSERT INTO survey_responses AS r (tenant_id, survey_id, customer_id, client_id, score,
                                       comment, channel, answers, responded_at)
    VALUES ($1, $2, (SELECT id FROM customer), $4, $5::smallint, $6, $7, coalesce($8::jsonb, '[]'),
            coalesce($9::timestamptz, now()))
    ON CONFLICT (tenant_id, client_id) WHERE client_id IS NOT NULL DO NOTHING
    RETURNING r.*
)
SELECT 'stored', survey_response_json(st, $3, $10) FROM stored st
UNION ALL
SELECT CASE WHEN m.same THEN 'replayed' ELSE 'conflict' END,
       CASE WHEN m.same THEN survey_response_json(r, c.external_id, $10) END
FROM survey_responses r LEFT JOIN customers c ON c.tenant_id = r.tenant_id AND c.id = r.customer_id
CROSS JOIN LATERAL (
    SELECT r.survey_id = $2::uuid AND c.external_id IS NOT DISTINCT FROM $3::text
           AND r.score = $5::smallint AND r.comment IS NOT DISTINCT FROM $6::text
           AND r.channel = $7::text AND r.answers = coalesce($8::jsonb, '[]')
           AND ($9::timestamptz IS NULL OR r.responded_at = $9::timestamptz) AS same
) m
WHERE r.tenant_id = $1 AND r.client_id = $4 AND NOT EXISTS (SELECT 1 FROM stored)
