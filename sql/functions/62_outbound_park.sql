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

-- When a message of endpoint e of tenant t made pending again (retry, replay) is due: at
-- once, or parked while the endpoint is disabled (as outbound_park does).
CREATE OR REPLACE FUNCTION outbound_due_now(t uuid, e uuid) RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN CASE WHEN (SELECT x.enabled FROM event_endpoints x WHERE x.tenant_id = t AND x.id = e)
                THEN now() ELSE 'infinity' END;
