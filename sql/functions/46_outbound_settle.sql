-- The wait before attempt attempts + 1 of a message: 5 s × 2^(attempts - 1), at most 6 h
-- (so about 20 attempts in three days), before the ±25 % jitter outbound_settle adds.
CREATE OR REPLACE FUNCTION outbound_backoff(attempts integer) RETURNS interval
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN make_interval(secs => least(5 * power(2, least(greatest(attempts, 1), 20) - 1), 21600));

-- The outcome of claimed attempts, across tenants, in one round trip per batch. A success
-- delivers the message and clears its endpoint's failing_since. A failure is retried after
-- outbound_backoff with ±25 % jitter, unless that falls past give_up_seconds after the
-- message was written (about three days): then it is failed. An endpoint failing for
-- disable_seconds (no success since) is disabled and says why in words. Only pending
-- messages are settled: a late outcome (a dispatcher past its lease, whose attempt another
-- one made and settled meanwhile) never turns a delivered message back. Returns how many
-- messages this call gave up on and how many endpoints it disabled.
DROP FUNCTION IF EXISTS outbound_settle(bigint[], boolean[], integer[], text[], integer, integer);
CREATE FUNCTION outbound_settle(ids bigint[], oks boolean[], codes integer[], errors text[],
                                give_up_seconds integer, disable_seconds integer)
RETURNS TABLE (gave_up integer, disabled integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    SET plan_cache_mode = force_custom_plan
AS $$
BEGIN
    WITH outcome AS (
        SELECT * FROM unnest(ids, oks, codes, errors) AS o(id, ok, code, error)
    ), settled AS (
        UPDATE outbound_messages m
        SET status = CASE WHEN o.ok THEN 'delivered'
                          WHEN m.created_at + make_interval(secs => give_up_seconds)
                               <= now() + outbound_backoff(m.attempts) THEN 'failed'
                          ELSE 'pending' END,
            next_attempt_at = CASE WHEN o.ok THEN m.next_attempt_at
                                   ELSE now() + outbound_backoff(m.attempts)
                                              * (0.75 + random() * 0.5) END,
            delivered_at = CASE WHEN o.ok THEN now() END,
            leased_until = NULL,
            last_status = o.code,
            last_error = CASE WHEN o.ok THEN NULL ELSE left(o.error, 500) END
        FROM outcome o
        WHERE m.id = o.id AND m.status = 'pending'
        RETURNING m.tenant_id, m.endpoint_id, o.ok, m.status
    ), endpoints AS (
        UPDATE event_endpoints e
        SET failing_since = CASE WHEN p.any_ok THEN NULL ELSE coalesce(e.failing_since, now()) END
        FROM (SELECT s.tenant_id, s.endpoint_id, bool_or(s.ok) AS any_ok
              FROM settled s GROUP BY s.tenant_id, s.endpoint_id) p
        WHERE e.tenant_id = p.tenant_id AND e.id = p.endpoint_id
        RETURNING e.id
    )
    SELECT count(*) FILTER (WHERE s.status = 'failed')::integer INTO gave_up FROM settled s;

    -- the messages queued behind a failed attempt of their customer wait as long as it
    -- does: out of the claim's range until then, instead of walked by every claim
    UPDATE outbound_messages n SET next_attempt_at = h.next_attempt_at
    FROM outbound_messages h
    WHERE h.id = ANY (ids) AND h.status = 'pending' AND h.customer_key IS NOT NULL
      AND n.endpoint_id = h.endpoint_id AND n.customer_key = h.customer_key
      AND n.status = 'pending' AND n.id > h.id AND n.next_attempt_at < h.next_attempt_at;

    UPDATE event_endpoints e
    SET enabled = false, updated_at = now(),
        disabled_reason = format('disabled by loyaltyd: every delivery failed since %s (last: %s)',
                                 rfc3339(e.failing_since),
                                 coalesce((SELECT m.last_error FROM outbound_messages m
                                           WHERE m.tenant_id = e.tenant_id
                                             AND m.endpoint_id = e.id
                                             AND m.last_error IS NOT NULL
                                           ORDER BY m.last_attempt_at DESC LIMIT 1),
                                          'no answer'))
    WHERE e.enabled
      AND e.failing_since <= now() - make_interval(secs => disable_seconds)
      AND (e.tenant_id, e.id) IN (SELECT m.tenant_id, m.endpoint_id FROM outbound_messages m
                                  WHERE m.id = ANY (ids));
    GET DIAGNOSTICS disabled = ROW_COUNT;
    RETURN NEXT;
END;
$$;
REVOKE ALL ON FUNCTION outbound_settle(bigint[], boolean[], integer[], text[], integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION outbound_settle(bigint[], boolean[], integer[], text[], integer, integer) TO loyaltyd_app;
