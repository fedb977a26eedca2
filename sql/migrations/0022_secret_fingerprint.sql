-- The fingerprint the API shows for a secret (webhook signing secrets, identity
-- verification secrets): the first 12 hex digits of its SHA-256, enough to tell two
-- secrets apart while rotating, nothing to recover it from. Defined once here; it was
-- written out in each of the four places that show one, which must agree (a secret's
-- fingerprint when added and when listed).
CREATE FUNCTION secret_fingerprint(secret text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN left(encode(sha256(convert_to(secret, 'UTF8')), 'hex'), 12);
COMMENT ON FUNCTION secret_fingerprint(text) IS 'The first 12 hex digits of a secret''s SHA-256, as the API shows it.';

CREATE OR REPLACE FUNCTION webhook_source_json(s webhook_sources) RETURNS json
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN json_build_object(
        'id', s.id, 'kind', s.kind, 'shop', s.shop,
        'path', '/v1/webhooks/' || s.kind || '/' || s.tenant_id,
        'secrets', (SELECT coalesce(json_agg(json_build_object(
                                'id', k.id, 'fingerprint', secret_fingerprint(k.secret),
                                'created_at', rfc3339(k.created_at))
                            ORDER BY k.created_at, k.id), '[]')
                    FROM webhook_secrets k WHERE k.tenant_id = s.tenant_id AND k.source_id = s.id),
        'created_at', rfc3339(s.created_at));

CREATE OR REPLACE FUNCTION identity_json(t uuid) RETURNS json
    LANGUAGE sql STABLE
    RETURN json_build_object(
        'required', coalesce((SELECT s.required FROM identity_settings s WHERE s.tenant_id = t), false),
        'secrets', (SELECT coalesce(json_agg(json_build_object(
                                'id', k.id, 'fingerprint', secret_fingerprint(k.secret),
                                'created_at', rfc3339(k.created_at)) ORDER BY k.created_at, k.id), '[]')
                    FROM identity_secrets k WHERE k.tenant_id = t));
