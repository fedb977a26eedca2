-- A source as the API shows it: never its secrets, only their ids, dates and a short
-- fingerprint (the start of their SHA-256) to tell them apart while rotating.
CREATE OR REPLACE FUNCTION webhook_source_json(s webhook_sources) RETURNS json
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN json_build_object(
        'id', s.id, 'kind', s.kind, 'shop', s.shop,
        'path', '/v1/webhooks/' || s.kind || '/' || s.tenant_id,
        'count_test_orders', s.count_test_orders,
        'secrets', (SELECT coalesce(json_agg(json_build_object(
                                'id', k.id, 'fingerprint', secret_fingerprint(k.secret),
                                'created_at', rfc3339(k.created_at))
                            ORDER BY k.created_at, k.id), '[]')
                    FROM webhook_secrets k WHERE k.tenant_id = s.tenant_id AND k.source_id = s.id),
        'created_at', rfc3339(s.created_at));
COMMENT ON FUNCTION webhook_source_json(webhook_sources) IS 'A webhook source as the API shows it (never a secret).';
