-- Rotates the signing secret of endpoint $2 of tenant $1: $3 becomes the current secret,
-- and every other live one signs on for $4 seconds more at most (0: stops at once).
-- Secrets already expired go. No row when there is no such endpoint.
WITH e AS (
    SELECT tenant_id, id FROM event_endpoints WHERE tenant_id = $1 AND id = $2 FOR UPDATE
), gone AS (
    DELETE FROM event_endpoint_secrets s USING e
    WHERE s.tenant_id = e.tenant_id AND s.endpoint_id = e.id
      AND s.expires_at IS NOT NULL AND s.expires_at <= now()
), ending AS (
    UPDATE event_endpoint_secrets s
    SET expires_at = least(coalesce(s.expires_at, 'infinity'), now() + make_interval(secs => $4::integer))
    FROM e
    WHERE s.tenant_id = e.tenant_id AND s.endpoint_id = e.id
      AND (s.expires_at IS NULL OR s.expires_at > now())
    RETURNING s.expires_at
), added AS (
    INSERT INTO event_endpoint_secrets (tenant_id, endpoint_id, secret)
    SELECT e.tenant_id, e.id, $3 FROM e
    RETURNING id, created_at
)
SELECT json_build_object('id', a.id, 'fingerprint', secret_fingerprint($3),
                         'created_at', rfc3339(a.created_at),
                         'previous_expires_at', (SELECT rfc3339(max(x.expires_at)) FROM ending x))
FROM added a
