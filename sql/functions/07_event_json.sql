CREATE OR REPLACE FUNCTION event_json(e events, customer_external_id text) RETURNS json
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN json_build_object(
        'id', e.client_id, 'customer_id', customer_external_id, 'type', e.type,
        'occurred_at', rfc3339(e.occurred_at), 'amount', e.amount::text,
        'currency', e.currency, 'order_id', e.order_id, 'properties', e.properties,
        'received_at', rfc3339(e.received_at));
COMMENT ON FUNCTION event_json(events, text) IS 'An event as the API shows it; id is the client''s id (null when none was given).';
