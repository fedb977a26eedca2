-- The messages of a disabled endpoint are parked (next_attempt_at 'infinity'), so that the
-- dispatcher's claim never walks them, and made due again when it is enabled: a trigger
-- on event_endpoints (sql/functions/62_outbound_park.sql), whatever disables it (PATCH,
-- or the dispatcher after days of failures).
CREATE FUNCTION outbound_park() RETURNS trigger LANGUAGE plpgsql
AS $$ BEGIN RAISE EXCEPTION 'placeholder: see sql/functions/62_outbound_park.sql'; END $$;
CREATE TRIGGER outbound_park AFTER UPDATE OF enabled ON event_endpoints
    FOR EACH ROW WHEN (OLD.enabled IS DISTINCT FROM NEW.enabled)
    EXECUTE FUNCTION outbound_park();

UPDATE outbound_messages m SET next_attempt_at = 'infinity'
FROM event_endpoints e
WHERE e.tenant_id = m.tenant_id AND e.id = m.endpoint_id AND NOT e.enabled
  AND m.status = 'pending';

-- The messages queued behind a customer's earlier pending one wait at least as long as it
-- does (outbound_settle keeps this from now on): out of the claim's range until then.
UPDATE outbound_messages n SET next_attempt_at = h.next_attempt_at
FROM (SELECT DISTINCT ON (endpoint_id, customer_key) id, endpoint_id, customer_key,
             next_attempt_at
      FROM outbound_messages
      WHERE status = 'pending' AND customer_key IS NOT NULL
      ORDER BY endpoint_id, customer_key, id) h
WHERE n.endpoint_id = h.endpoint_id AND n.customer_key = h.customer_key
  AND n.status = 'pending' AND n.id > h.id AND n.next_attempt_at < h.next_attempt_at;
