SELECT survey_json(s, (SELECT count(*) FROM survey_responses r WHERE r.tenant_id = s.tenant_id AND r.survey_id = s.id)),
       s.kind, jsonb_array_length(s.follow_up_questions)
FROM surveys s
WHERE s.tenant_id = $1 AND s.id = $2
