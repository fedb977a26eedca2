-- Tells the tier changes of the customers of tenant t in `customers` under programme cfg:
-- each one's tier now against the tier last told (outbound_tiers); a change is recorded
-- and becomes one tier.changed message for every enabled endpoint that wants it, data
-- {"customer_id", "from", "to", "direction", "points_in_window", "at"} (direction: up when
-- `to` comes later in the programme's tiers than `from`, a null or unknown tier counting as
-- below every tier). A customer seen for the first time (no outbound_tiers row) is
-- compared with the tier before the entries whose ids are in fresh (the ledger trigger's
-- statement), or, when fresh is null (the daily evaluation), recorded without a message.
-- The callers hold the customers' row locks, so that two writers never tell one change
-- twice. Returns the messages written.
CREATE OR REPLACE FUNCTION outbound_tiers_tell(t uuid, cfg jsonb, customers bigint[], fresh bigint[])
RETURNS integer
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    told integer;
BEGIN
    WITH ranks AS (
        SELECT x.value->>'name' AS name, x.ord
        FROM jsonb_array_elements(cfg->'tiers') WITH ORDINALITY AS x(value, ord)
    ), now_t AS (
        SELECT c.id AS customer_id, c.external_id, n.tier, n.earned,
               o.customer_id IS NOT NULL AS seen, o.tier AS last_told
        FROM unnest(customers) AS u(id)
        JOIN customers c ON c.tenant_id = t AND c.id = u.id
        CROSS JOIN LATERAL outbound_tier_now(t, c.id, cfg, '{}') n
        LEFT JOIN outbound_tiers o ON o.tenant_id = t AND o.customer_id = c.id
    ), was AS (
        SELECT n.*,
               CASE WHEN n.seen THEN n.last_told
                    WHEN fresh IS NOT NULL THEN (SELECT b.tier FROM outbound_tier_now(t, n.customer_id, cfg, fresh) b)
                    ELSE n.tier END AS from_tier
        FROM now_t n
    ), kept AS (
        INSERT INTO outbound_tiers AS o (tenant_id, customer_id, tier, since)
        SELECT t, w.customer_id, w.tier, now() FROM was w
        WHERE NOT w.seen OR w.tier IS DISTINCT FROM w.last_told
        ON CONFLICT (tenant_id, customer_id) DO UPDATE SET tier = EXCLUDED.tier, since = EXCLUDED.since
    )
    INSERT INTO outbound_messages (tenant_id, endpoint_id, type, customer_key, body)
    SELECT t, e.id, 'tier.changed', w.customer_id,
           outbound_body('tier.changed', now(),
                         jsonb_build_object(
                             'customer_id', w.external_id, 'from', w.from_tier, 'to', w.tier,
                             'direction', CASE WHEN coalesce((SELECT r.ord FROM ranks r WHERE r.name = w.tier), 0)
                                                    > coalesce((SELECT r.ord FROM ranks r WHERE r.name = w.from_tier), 0)
                                               THEN 'up' ELSE 'down' END,
                             'points_in_window', w.earned, 'at', rfc3339(now())))
    FROM was w
    CROSS JOIN LATERAL outbound_targets(t, 'tier.changed') AS e(id)
    WHERE w.from_tier IS DISTINCT FROM w.tier
    ORDER BY w.customer_id, e.id;
    GET DIAGNOSTICS told = ROW_COUNT;
    RETURN told;
END;
$$;
