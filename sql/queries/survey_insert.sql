INSERT INTO surveys AS s (tenant_id, kind, name, question, follow_up_questions)
VALUES ($1, $2, $3, $4, $5::jsonb)
RETURNING survey_json(s, 0)
