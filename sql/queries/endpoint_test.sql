-- A test event for endpoint $2 of tenant $1, sent whatever types it wants: endpoint.test.
INSERT INTO outbound_messages AS m (tenant_id, endpoint_id, type, customer_key, body)
SELECT e.tenant_id, e.id, 'endpoint.test', NULL,
       outbound_body('endpoint.test', now(),
                     jsonb_build_object('endpoint_id', e.id,
                                        'message', 'a test event from loyaltyd'))
FROM event_endpoints e WHERE e.tenant_id = $1 AND e.id = $2
RETURNING outbound_message_json(m)
