CREATE OR REPLACE FUNCTION survey_response_json(r survey_responses, customer_external_id text, kind text) RETURNS json
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN json_build_object('id', r.client_id, 'survey_id', r.survey_id,
                             'customer_id', customer_external_id, 'score', r.score,
                             'category', CASE WHEN kind = 'csat' THEN NULL
                                              WHEN r.score >= 9 THEN 'promoter'
                                              WHEN r.score >= 7 THEN 'passive' ELSE 'detractor' END,
                             'comment', r.comment, 'channel', r.channel, 'answers', r.answers,
                             'responded_at', rfc3339(r.responded_at),
                             'received_at', rfc3339(r.received_at));
COMMENT ON FUNCTION survey_response_json(survey_responses, text, text) IS 'A survey answer as the API shows it; category only for NPS.';
