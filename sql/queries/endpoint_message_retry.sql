-- Retries message $3 of endpoint $2 of tenant $1 now: pending again, due at once (parked
-- while the endpoint is disabled; one
-- leased by a dispatcher this moment stays as it is). A message written more than the
-- give-up period ago is failed again by its first failed attempt.
UPDATE outbound_messages m
SET status = 'pending', next_attempt_at = outbound_due_now($1, $2),
    delivered_at = CASE WHEN m.status = 'delivered' THEN NULL ELSE m.delivered_at END
WHERE m.tenant_id = $1 AND m.endpoint_id = $2 AND m.id = $3
  AND (m.leased_until IS NULL OR m.leased_until <= now())
RETURNING outbound_message_json(m)
