-- Idempotency-Key (docs/DESIGN.md §4, Stripe semantics): the first request with a key runs and
-- its answer is kept; the same key with the same request replays that answer.
CREATE TABLE idempotency_keys (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash bytea NOT NULL CHECK (length(request_hash) = 32),
    status       smallint,
    content_type text,
    response     text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    PRIMARY KEY (tenant_id, key)
);
COMMENT ON TABLE idempotency_keys IS 'Answers kept per Idempotency-Key for 24 hours; status is null while the first request runs.';
COMMENT ON COLUMN idempotency_keys.request_hash IS 'SHA-256 of method, route and body: the same key with another request is refused.';
