-- Where tier stands in programme cfg's tiers: 1 for the first, 0 for a null tier or one the
-- programme does not have (below every tier).
CREATE OR REPLACE FUNCTION outbound_tier_rank(cfg jsonb, tier text) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN coalesce((SELECT x.ord
                     FROM jsonb_array_elements(cfg->'tiers') WITH ORDINALITY AS x(value, ord)
                     WHERE x.value->>'name' = tier), 0);

-- The body of a tier.changed about the customer with external id customer, from tier
-- from_tier to to_tier with earned points in the window, told now under programme cfg:
-- data {"customer_id", "from", "to", "direction", "points_in_window", "at"}; direction up
-- when `to` ranks above `from` (outbound_tier_rank), down otherwise.
CREATE OR REPLACE FUNCTION outbound_tier_changed_body(cfg jsonb, customer text, from_tier text,
                                                      to_tier text, earned bigint)
RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN outbound_body('tier.changed', now(),
                         jsonb_build_object(
                             'customer_id', customer, 'from', from_tier, 'to', to_tier,
                             'direction', CASE WHEN outbound_tier_rank(cfg, to_tier)
                                                    > outbound_tier_rank(cfg, from_tier)
                                               THEN 'up' ELSE 'down' END,
                             'points_in_window', earned, 'at', rfc3339(now())));

-- Tells the tier changes of the customers of tenant t in `customers` under programme cfg:
-- each one's tier now against the tier last told (outbound_tiers); a change is recorded
-- and becomes one tier.changed message for every enabled endpoint that wants it
-- (outbound_tier_changed_body). A customer seen for the first time (no outbound_tiers row) is
-- recorded without a message (a baseline). Used by the daily evaluation, for the changes
-- that time makes; the fan-out tells those of ledger entries (outbound_tiers_steps, below).
-- The callers hold the outbox lock (outbound_lock), so that two writers never tell one
-- change twice. Returns the messages written.
DROP FUNCTION IF EXISTS outbound_tiers_tell(uuid, jsonb, bigint[], bigint[]);
CREATE OR REPLACE FUNCTION outbound_tiers_tell(t uuid, cfg jsonb, customers bigint[])
RETURNS integer
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    told integer;
BEGIN
    WITH now_t AS (
        SELECT c.id AS customer_id, c.external_id, n.tier, n.earned,
               o.customer_id IS NOT NULL AS seen, o.tier AS last_told
        FROM unnest(customers) AS u(id)
        JOIN customers c ON c.tenant_id = t AND c.id = u.id
        CROSS JOIN LATERAL outbound_tier_now(t, c.id, cfg) n
        LEFT JOIN outbound_tiers o ON o.tenant_id = t AND o.customer_id = c.id
    ), was AS (
        SELECT n.*,
               CASE WHEN n.seen THEN n.last_told ELSE n.tier END AS from_tier
        FROM now_t n
    ), kept AS (
        INSERT INTO outbound_tiers AS o (tenant_id, customer_id, tier, since)
        SELECT t, w.customer_id, w.tier, now() FROM was w
        WHERE NOT w.seen OR w.tier IS DISTINCT FROM w.last_told
        ON CONFLICT (tenant_id, customer_id) DO UPDATE SET tier = EXCLUDED.tier, since = EXCLUDED.since
    )
    INSERT INTO outbound_messages (tenant_id, endpoint_id, type, customer_key, body)
    SELECT t, e.id, 'tier.changed', w.customer_id,
           outbound_tier_changed_body(cfg, w.external_id, w.from_tier, w.tier, w.earned)
    FROM was w
    CROSS JOIN LATERAL outbound_targets(t, 'tier.changed') AS e(id)
    WHERE w.from_tier IS DISTINCT FROM w.tier
    ORDER BY w.customer_id, e.id;
    GET DIAGNOSTICS told = ROW_COUNT;
    RETURN told;
END;
$$;

-- Tells the tier changes that the ledger entries whose ids are in fresh (earns and
-- refunds of tenant t, taken by the fan-out) made, one step per entry, under programme
-- cfg: after each entry the customer's points in the tier window are the running sum, in
-- id order, of their earns and refunds in the window up to it (net of refunds, never below
-- zero, as points_state counts them), and the tier is placed from them and the tiers
-- granted by running memberships. The first step is compared with the tier last told
-- (outbound_tiers), or, for a customer seen for the first time, with the tier before the
-- entry; each later step with the one before. A change is one tier.changed message for
-- every enabled endpoint that wants it (outbound_tier_changed_body), in the order of the
-- entries; the last step is recorded. An entry outside the window moves nothing. Callers
-- hold the outbox lock (outbound_lock). Returns the messages written.
CREATE OR REPLACE FUNCTION outbound_tiers_steps(t uuid, cfg jsonb, fresh bigint[])
RETURNS integer
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    told integer;
BEGIN
    WITH fresh_set AS (
        SELECT DISTINCT f.id FROM unnest(fresh) AS f(id)
    ), who AS (
        SELECT DISTINCT l.customer_id
        FROM fresh_set f
        JOIN points_ledger l ON l.tenant_id = t AND l.id = f.id
    ), running AS (
        SELECT l.customer_id, l.id, f.id IS NOT NULL AS fresh_entry,
               sum(CASE WHEN l.kind = 'earn' THEN l.points ELSE l.points - l.shortfall END)
                   OVER (PARTITION BY l.customer_id ORDER BY l.id) AS upto,
               CASE WHEN l.kind = 'earn' THEN l.points ELSE l.points - l.shortfall END AS own
        FROM who w
        JOIN points_ledger l ON l.tenant_id = t AND l.customer_id = w.customer_id
        LEFT JOIN fresh_set f ON f.id = l.id
        WHERE l.kind IN ('earn', 'refund')
          AND l.created_at > now() - make_interval(days => coalesce((cfg->>'tier_window_days')::integer, 365))
    ), placed AS (
        SELECT r.customer_id, r.id, greatest(0, r.upto)::bigint AS earned,
               a.tier AS after_tier, b.tier AS before_tier,
               row_number() OVER (PARTITION BY r.customer_id ORDER BY r.id) AS step,
               row_number() OVER (PARTITION BY r.customer_id ORDER BY r.id DESC) AS from_last
        FROM running r
        CROSS JOIN LATERAL (SELECT points_granted(t, r.customer_id, now()) AS granted) g
        LEFT JOIN LATERAL program_tier(cfg, greatest(0, r.upto)::bigint, g.granted) a ON true
        LEFT JOIN LATERAL program_tier(cfg, greatest(0, r.upto - r.own)::bigint, g.granted) b ON true
        WHERE r.fresh_entry
    ), steps AS (
        SELECT p.*, c.external_id, o.customer_id IS NOT NULL AS seen, o.tier AS last_told,
               CASE WHEN p.step > 1 THEN lag(p.after_tier) OVER (PARTITION BY p.customer_id ORDER BY p.id)
                    WHEN o.customer_id IS NOT NULL THEN o.tier
                    ELSE p.before_tier END AS from_tier
        FROM placed p
        JOIN customers c ON c.tenant_id = t AND c.id = p.customer_id
        LEFT JOIN outbound_tiers o ON o.tenant_id = t AND o.customer_id = p.customer_id
    ), kept AS (
        INSERT INTO outbound_tiers AS o (tenant_id, customer_id, tier, since)
        SELECT t, s.customer_id, s.after_tier, now() FROM steps s
        WHERE s.from_last = 1 AND (NOT s.seen OR s.after_tier IS DISTINCT FROM s.last_told)
        ON CONFLICT (tenant_id, customer_id) DO UPDATE SET tier = EXCLUDED.tier, since = EXCLUDED.since
    )
    INSERT INTO outbound_messages (tenant_id, endpoint_id, type, customer_key, body)
    SELECT t, e.id, 'tier.changed', s.customer_id,
           outbound_tier_changed_body(cfg, s.external_id, s.from_tier, s.after_tier, s.earned)
    FROM steps s
    CROSS JOIN LATERAL outbound_targets(t, 'tier.changed') AS e(id)
    WHERE s.from_tier IS DISTINCT FROM s.after_tier
    ORDER BY s.id, e.id;
    GET DIAGNOSTICS told = ROW_COUNT;
    RETURN told;
END;
$$;
