-- Stores one survey answer; the customer (if any) is created on first sight in the same
-- statement. An answer whose client id the tenant already has is not stored again: the
-- stored one is returned with stored = false.
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
SELECT true, survey_response_json(st, $3, $10) FROM stored st
UNION ALL
SELECT false, survey_response_json(r, c.external_id, $10)
FROM survey_responses r LEFT JOIN customers c ON c.tenant_id = r.tenant_id AND c.id = r.customer_id
WHERE r.tenant_id = $1 AND r.client_id = $4 AND NOT EXISTS (SELECT 1 FROM stored)
