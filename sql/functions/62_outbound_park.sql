-- Parks the pending messages of an endpoint that was disabled (next_attempt_at
-- 'infinity': out of the claim's range) and makes them due at once when it is enabled
-- again (trigger outbound_park on event_endpoints, 0027_outbound_parking.sql).
CREATE OR REPLACE FUNCTION outbound_park() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE outbound_messages m
    SET next_attempt_at = CASE WHEN NEW.enabled THEN now() ELSE 'infinity' END
    WHERE m.tenant_id = NEW.tenant_id AND m.endpoint_id = NEW.id AND m.status = 'pending';
    RETURN NULL;
END;
$$;
