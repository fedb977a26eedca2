-- One page of the messages of endpoint $2 of tenant $1, newest first: $3 a status or NULL,
-- $4 the cursor (the last id seen) or NULL, $5 the page size + 1.
SELECT outbound_message_json(m), m.id
FROM outbound_messages m
WHERE m.tenant_id = $1 AND m.endpoint_id = $2 AND ($3::text IS NULL OR m.status = $3)
  AND ($4::bigint IS NULL OR m.id < $4::bigint)
ORDER BY m.id DESC
LIMIT $5
