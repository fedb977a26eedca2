-- The events of survey answers (trigger outbound_answers on survey_responses, once per
-- statement), recorded in outbound_events in the answer's transaction when an enabled
-- endpoint of the tenant wants survey.answered: the answer as the API shows it, the
-- survey's kind and a category for both kinds (NPS: promoter 9-10, passive 7-8, detractor
-- 0-6; CSAT: satisfied 4-5, neutral 3, dissatisfied 1-2).
CREATE OR REPLACE FUNCTION outbound_answers() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF outbound_wanted(ARRAY(SELECT DISTINCT a.tenant_id FROM added a)) THEN
        INSERT INTO outbound_events (tenant_id, type, customer_key, body)
        SELECT a.tenant_id, 'survey.answered', a.customer_id,
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
                                                     ELSE 'dissatisfied' END))
        FROM added a
        JOIN surveys s ON s.tenant_id = a.tenant_id AND s.id = a.survey_id
        WHERE outbound_wants(a.tenant_id, 'survey.answered')
        ORDER BY a.id;
    END IF;
    RETURN NULL;
END;
$$;
