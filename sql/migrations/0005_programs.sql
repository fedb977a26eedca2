-- Loyalty programmes: one per tenant, every change kept as a new version.
CREATE TABLE loyalty_programs (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    version    integer NOT NULL CHECK (version > 0),
    config     jsonb NOT NULL CHECK (jsonb_typeof(config) = 'object'),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, version)
);
COMMENT ON TABLE loyalty_programs IS 'A tenant''s points programme, one row per version; the highest version is in force. Points keep the version they were earned under.';
COMMENT ON COLUMN loyalty_programs.config IS 'The validated programme with defaults filled in, as PUT /v1/program accepted it.';
