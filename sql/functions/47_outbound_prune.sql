-- Prunes the outbox across tenants: delivered and failed messages written more than
-- retention_seconds ago (LOYALTYD_OUTBOUND_RETENTION_DAYS), at most batch of them a call.
-- Pending messages are never pruned. Returns how many went.
CREATE OR REPLACE FUNCTION outbound_prune(retention_seconds integer, batch integer)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    gone integer;
BEGIN
    DELETE FROM outbound_messages m
    WHERE m.id IN (SELECT x.id FROM outbound_messages x
                   WHERE x.status <> 'pending'
                     AND x.created_at < now() - make_interval(secs => retention_seconds)
                   ORDER BY x.created_at LIMIT batch);
    GET DIAGNOSTICS gone = ROW_COUNT;
    RETURN gone;
END;
$$;
REVOKE ALL ON FUNCTION outbound_prune(integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION outbound_prune(integer, integer) TO loyaltyd_app;
