CREATE OR REPLACE FUNCTION survey_json(s surveys, responses bigint) RETURNS json
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN json_build_object('id', s.id, 'name', s.name, 'kind', s.kind, 'question', s.question,
                             'follow_up_questions', s.follow_up_questions,
                             'created_at', rfc3339(s.created_at), 'response_count', responses);
COMMENT ON FUNCTION survey_json(surveys, bigint) IS 'A survey as the API shows it.';
