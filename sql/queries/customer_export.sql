-- Everything held about one customer, as one JSON document.
SELECT json_build_object(
    'customer', customer_json(c),
    'events', (SELECT coalesce(json_agg(event_json(e, c.external_id) ORDER BY e.occurred_at, e.id), '[]')
               FROM events e WHERE e.tenant_id = c.tenant_id AND e.customer_id = c.id),
    'exported_at', rfc3339(now()))
FROM customers c
WHERE c.tenant_id = $1 AND c.external_id = $2
