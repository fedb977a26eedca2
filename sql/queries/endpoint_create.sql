-- Registers an event endpoint of tenant $1 with its first signing secret $6, unless the
-- tenant has 50 already (then no row). $3: the event types (NULL: every type).
WITH room AS (
    SELECT 1 WHERE (SELECT count(*) FROM event_endpoints WHERE tenant_id = $1) < 50
), e AS (
    INSERT INTO event_endpoints (tenant_id, url, event_types, enabled, description)
    SELECT $1, $2, $3::text[], $4::boolean, $5 FROM room
    RETURNING *
), s AS (
    INSERT INTO event_endpoint_secrets (tenant_id, endpoint_id, secret)
    SELECT e.tenant_id, e.id, $6 FROM e
    RETURNING endpoint_id, id, created_at
)
SELECT json_build_object(
    'id', e.id, 'url', e.url, 'event_types', e.event_types, 'enabled', e.enabled,
    'description', e.description, 'disabled_reason', e.disabled_reason,
    'failing_since', NULL,
    'secrets', json_build_array(json_build_object('id', s.id,
                                                  'fingerprint', secret_fingerprint($6),
                                                  'created_at', rfc3339(s.created_at),
                                                  'expires_at', NULL)),
    'created_at', rfc3339(e.created_at), 'updated_at', rfc3339(e.updated_at))
FROM e JOIN s ON s.endpoint_id = e.id
