-- Replays the messages of endpoint $2 of tenant $1 written in [$3, $4): delivered and
-- failed ones are pending again, due at once (parked while it is disabled), with their
-- webhook-ids (a receiver that keeps them knows them again). Answers how many, and 0 rows when there is no such endpoint.
WITH e AS (
    SELECT id FROM event_endpoints WHERE tenant_id = $1 AND id = $2
), replayed AS (
    UPDATE outbound_messages m
    SET status = 'pending', next_attempt_at = outbound_due_now($1, $2), delivered_at = NULL
    FROM e
    WHERE m.tenant_id = $1 AND m.endpoint_id = e.id AND m.status <> 'pending'
      AND m.created_at >= $3::timestamptz AND m.created_at < $4::timestamptz
    RETURNING 1
)
SELECT (SELECT count(*) FROM replayed) FROM e
