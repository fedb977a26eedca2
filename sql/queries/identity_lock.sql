-- Creates (when missing) and locks tenant $1's settings row for the rest of the
-- transaction, so that changes to the requirement and the secrets do not interleave.
-- Answers the secrets the tenant has and whether verification is required.
INSERT INTO identity_settings AS s (tenant_id) VALUES ($1)
ON CONFLICT (tenant_id) DO UPDATE SET tenant_id = excluded.tenant_id
RETURNING (SELECT count(*) FROM identity_secrets k WHERE k.tenant_id = $1), s.required
