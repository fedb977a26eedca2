-- The settings as the API shows them: never a secret, only ids, dates and fingerprints.
CREATE OR REPLACE FUNCTION identity_json(t uuid) RETURNS json
    LANGUAGE sql STABLE
    RETURN json_build_object(
        'required', coalesce((SELECT s.required FROM identity_settings s WHERE s.tenant_id = t), false),
        'secrets', (SELECT coalesce(json_agg(json_build_object(
                                'id', k.id, 'fingerprint', secret_fingerprint(k.secret),
                                'created_at', rfc3339(k.created_at)) ORDER BY k.created_at, k.id), '[]')
                    FROM identity_secrets k WHERE k.tenant_id = t));
COMMENT ON FUNCTION identity_json(uuid) IS 'A tenant''s identity verification settings as the API shows them (never a secret).';
