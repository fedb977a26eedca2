-- Changes what PATCH names of endpoint $2 of tenant $1: $3 url, $5 event types when $4
-- (NULL: every type), $6 enabled, $7 description; NULL keeps a field. Enabling an
-- endpoint clears why loyaltyd disabled it and its failure streak.
UPDATE event_endpoints e
SET url = coalesce($3, e.url),
    event_types = CASE WHEN $4::boolean THEN $5::text[] ELSE e.event_types END,
    enabled = coalesce($6::boolean, e.enabled),
    description = coalesce($7, e.description),
    disabled_reason = CASE WHEN $6::boolean THEN NULL ELSE e.disabled_reason END,
    failing_since = CASE WHEN $6::boolean THEN NULL ELSE e.failing_since END,
    updated_at = now()
WHERE e.tenant_id = $1 AND e.id = $2
RETURNING event_endpoint_json(e)
