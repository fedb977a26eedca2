-- An outbox message as the API shows it (GET /v1/event-endpoints/{id}/messages): its
-- webhook-id, state, attempts, the last answer in words, and the event as sent
-- (next_attempt_at null while its endpoint is disabled: parked).
CREATE OR REPLACE FUNCTION outbound_message_json(m outbound_messages) RETURNS json
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN json_build_object(
        'id', 'msg_' || m.id, 'type', m.type, 'status', m.status, 'attempts', m.attempts,
        'created_at', rfc3339(m.created_at), 'last_attempt_at', rfc3339(m.last_attempt_at),
        'last_status', m.last_status, 'last_error', m.last_error,
        'next_attempt_at', CASE WHEN m.status = 'pending' AND m.next_attempt_at < 'infinity'
                                 THEN rfc3339(m.next_attempt_at) END,
        'delivered_at', rfc3339(m.delivered_at), 'event', m.body::json);
