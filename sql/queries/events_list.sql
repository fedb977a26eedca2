-- One page of a customer's events in time order; the cursor is (occurred_at, id) of the
-- last event seen. $2 is the internal customer id.
SELECT rfc3339(e.occurred_at), e.id, event_json(e, $3)
FROM events e
WHERE e.tenant_id = $1 AND e.customer_id = $2
  AND ($4::text IS NULL OR e.type = $4::text)
  AND ($5::timestamptz IS NULL OR e.occurred_at >= $5::timestamptz)
  AND ($6::timestamptz IS NULL OR e.occurred_at < $6::timestamptz)
  AND ($7::timestamptz IS NULL OR (e.occurred_at, e.id) > ($7::timestamptz, $8::bigint))
ORDER BY e.occurred_at, e.id
LIMIT $9
