-- Tenants (shops) and their API keys.
CREATE TABLE tenants (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE tenants IS 'A shop using loyaltyd; every other row belongs to exactly one tenant.';

CREATE TABLE api_keys (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    key_prefix   text NOT NULL CHECK (length(key_prefix) = 12),
    key_hash     bytea NOT NULL CHECK (length(key_hash) = 32),
    scopes       text[] NOT NULL CHECK (
                     cardinality(scopes) > 0
                     AND scopes <@ ARRAY['respond', 'ingest', 'read', 'points', 'admin']),
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);
COMMENT ON TABLE api_keys IS 'API keys; the secret itself is never stored, only its SHA-256.';
COMMENT ON COLUMN api_keys.seq IS 'Creation order, used as the list cursor.';
COMMENT ON COLUMN api_keys.key_prefix IS 'First 12 characters of the key: finds the row and lets an owner recognise the key.';
COMMENT ON COLUMN api_keys.key_hash IS 'SHA-256 of the whole key; compared in constant time by loyaltyd.';
COMMENT ON COLUMN api_keys.scopes IS 'What the key may do: respond, ingest, read, points, admin.';
COMMENT ON COLUMN api_keys.revoked_at IS 'Set by DELETE /v1/keys/{id}; a revoked key is refused at once.';

CREATE INDEX api_keys_prefix ON api_keys (key_prefix) WHERE revoked_at IS NULL;
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, seq);
