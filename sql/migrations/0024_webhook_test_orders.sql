-- Shopify marks orders from development stores and the Bogus gateway "test": true. They
-- are not customers' purchases, so by default they count for nothing (no event, no
-- points); a source made for a staging shop can count them.
ALTER TABLE webhook_sources ADD COLUMN count_test_orders boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN webhook_sources.count_test_orders IS 'Shopify orders with "test": true are stored (true) or answered "ignored" (false, the default).';

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
