-- The outbox of survey answers (trigger outbound_answers on survey_responses, once per
-- statement): survey.answered with the answer as the API shows it, the survey's kind and a
-- category for both kinds (NPS: promoter 9-10, passive 7-8, detractor 0-6; CSAT:
-- satisfied 4-5, neutral 3, dissatisfied 1-2). Same transaction as the answer.
CREATE OR REPLACE FUNCTION outbound_answers() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF outbound_wanted(ARRAY(SELECT DISTINCT a.tenant_id FROM added a)) THEN
        WITH answer AS MATERIALIZED (
            SELECT a.tenant_id, a.id, a.customer_id,
                   outbound_body('survey.answered', a.received_at,
                                 to_jsonb(survey_response_json(a::survey_responses,
                                                               (SELECT c.external_id FROM customers c
                                                                WHERE c.tenant_id = a.tenant_id
                                                                  AND c.id = a.customer_id),
                                                               s.kind))
                                 || jsonb_build_object(
                                        'survey_kind', s.kind,
                                        'category', CASE WHEN s.kind = 'nps' THEN
                                                              CASE WHEN a.score >= 9 THEN 'promoter'
                                                                   WHEN a.score >= 7 THEN 'passive'
                                                                   ELSE 'detractor' END
                                                         WHEN a.score >= 4 THEN 'satisfied'
                                                         WHEN a.score = 3 THEN 'neutral'
                                                         ELSE 'dissatisfied' END)) AS body
            FROM added a
            JOIN surveys s ON s.tenant_id = a.tenant_id AND s.id = a.survey_id
        )
        INSERT INTO outbound_messages (tenant_id, endpoint_id, type, customer_key, body)
        SELECT v.tenant_id, e.id, 'survey.answered', v.customer_id, v.body
        FROM answer v CROSS JOIN LATERAL outbound_targets(v.tenant_id, 'survey.answered') AS e(id)
        ORDER BY v.id, e.id;
    END IF;
    RETURN NULL;
END;
$$;
