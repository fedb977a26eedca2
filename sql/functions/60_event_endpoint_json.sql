-- An event endpoint as the API shows it: never a secret in clear, only each live secret's
-- id, fingerprint and expiry (the former one's, while a rotation overlaps).
CREATE OR REPLACE FUNCTION event_endpoint_json(e event_endpoints) RETURNS json
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN json_build_object(
        'id', e.id, 'url', e.url, 'event_types', e.event_types, 'enabled', e.enabled,
        'description', e.description, 'disabled_reason', e.disabled_reason,
        'failing_since', rfc3339(e.failing_since),
        'secrets', (SELECT coalesce(json_agg(json_build_object(
                               'id', s.id, 'fingerprint', secret_fingerprint(s.secret),
                               'created_at', rfc3339(s.created_at),
                               'expires_at', rfc3339(s.expires_at))
                           ORDER BY s.created_at DESC, s.id), '[]')
                    FROM event_endpoint_secrets s
                    WHERE s.tenant_id = e.tenant_id AND s.endpoint_id = e.id
                      AND (s.expires_at IS NULL OR s.expires_at > now())),
        'created_at', rfc3339(e.created_at), 'updated_at', rfc3339(e.updated_at));
