-- NPS and CSAT surveys and their answers.
CREATE TABLE surveys (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    kind        text NOT NULL CHECK (kind IN ('nps', 'csat')),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    question    text NOT NULL CHECK (length(question) BETWEEN 1 AND 500),
    follow_up_questions jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(follow_up_questions) = 'array'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id)
);
COMMENT ON TABLE surveys IS 'A survey: an NPS (0-10) or CSAT (1-5) question with optional open follow-up questions.';
COMMENT ON COLUMN surveys.seq IS 'Creation order, used as the list cursor.';
CREATE INDEX surveys_tenant ON surveys (tenant_id, seq);

CREATE TABLE survey_responses (
    tenant_id    uuid NOT NULL,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    survey_id    uuid NOT NULL,
    customer_id  bigint,
    client_id    text COLLATE "C" CHECK (length(client_id) BETWEEN 1 AND 128),
    score        smallint NOT NULL CHECK (score BETWEEN 0 AND 10),
    comment      text CHECK (length(comment) <= 4000),
    channel      text NOT NULL DEFAULT 'other' CHECK (channel IN ('email', 'web', 'in_app', 'sms', 'other')),
    answers      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(answers) = 'array'),
    responded_at timestamptz NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    -- 'simple': no stemming, so comments in any language are searchable by their words
    comment_tsv  tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(comment, ''))) STORED,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, survey_id) REFERENCES surveys (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE survey_responses IS 'Answers to surveys; anonymous when customer_id is null. Erased with their customer.';
COMMENT ON COLUMN survey_responses.client_id IS 'The client''s id of the answer; an answer with a known client id is stored once per tenant.';
COMMENT ON COLUMN survey_responses.answers IS 'Answers to the survey''s follow-up questions, in their order (strings or null).';
COMMENT ON COLUMN survey_responses.comment_tsv IS 'Full-text index of the comment with the simple configuration (no stemming: any language).';
CREATE UNIQUE INDEX survey_responses_client_id ON survey_responses (tenant_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX survey_responses_survey_time ON survey_responses (tenant_id, survey_id, responded_at, id) INCLUDE (score, channel, customer_id);
CREATE INDEX survey_responses_customer ON survey_responses (tenant_id, customer_id, responded_at) WHERE customer_id IS NOT NULL;
CREATE INDEX survey_responses_comment ON survey_responses USING gin (comment_tsv);

-- The latest NPS answer of each customer, for the promoters/passives/detractors segments.
CREATE VIEW customer_nps_latest AS
SELECT DISTINCT ON (r.tenant_id, r.customer_id)
       r.tenant_id, r.customer_id, r.score, r.responded_at,
       CASE WHEN r.score >= 9 THEN 'promoter' WHEN r.score >= 7 THEN 'passive' ELSE 'detractor' END AS category
FROM survey_responses r
JOIN surveys s ON s.id = r.survey_id AND s.kind = 'nps'
WHERE r.customer_id IS NOT NULL
ORDER BY r.tenant_id, r.customer_id, r.responded_at DESC, r.id DESC;
COMMENT ON VIEW customer_nps_latest IS 'Each customer''s latest NPS answer and its category (promoter 9-10, passive 7-8, detractor 0-6).';

-- Defined in sql/functions/ (re-created after the migrations on every migrate):
--   08_survey_json.sql
--   09_survey_response_json.sql
