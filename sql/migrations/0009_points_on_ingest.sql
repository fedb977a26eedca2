-- Points earned on ingest: orders and fixed-point events earn, refunds take back.

-- The event an entry was written for (at most one entry per event: never earned twice),
-- the money amount it was computed from (an order's amount, a refund's amount), and the
-- points a refund could not take back because the customer had already spent them.
ALTER TABLE points_ledger
    ADD COLUMN event_id  bigint,
    ADD COLUMN amount    numeric CHECK (amount >= 0),
    ADD COLUMN shortfall bigint NOT NULL DEFAULT 0 CHECK (shortfall >= 0),
    ADD FOREIGN KEY (tenant_id, event_id) REFERENCES events (tenant_id, id) ON DELETE CASCADE,
    DROP CONSTRAINT points_ledger_points_check,
    ADD CONSTRAINT points_ledger_points_check
        CHECK (points <> 0 OR (kind = 'refund' AND shortfall > 0)),
    ADD CHECK (shortfall = 0 OR kind = 'refund');
COMMENT ON COLUMN points_ledger.event_id IS 'The ingested event this entry was written for (an order, a refund, a fixed-point event); null for API and expiry entries.';
COMMENT ON COLUMN points_ledger.amount IS 'The money amount the entry was computed from: an order''s amount, a refund''s amount.';
COMMENT ON COLUMN points_ledger.shortfall IS 'Points a refund should have taken back but could not: the balance never goes below zero.';
CREATE UNIQUE INDEX points_ledger_event ON points_ledger (tenant_id, event_id) WHERE event_id IS NOT NULL;
-- Refunds find the entries of their order (reference = the order id).
CREATE INDEX points_ledger_order ON points_ledger (tenant_id, customer_id, reference)
    WHERE event_id IS NOT NULL;

-- Points earned in the tier window now count net of what refunds took back (a refunded
-- order does not lift a customer's tier).
CREATE OR REPLACE FUNCTION points_state(t uuid, c bigint, at timestamptz, window_days integer)
RETURNS TABLE (balance bigint, lapsed bigint, expiring_points bigint, expiring_at timestamptz,
               lifetime_earned bigint, lifetime_redeemed bigint, earned_in_window bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH l AS (
        SELECT * FROM points_ledger WHERE tenant_id = t AND customer_id = c
    ), consumed AS (
        SELECT coalesce(-sum(points), 0) AS used FROM l WHERE points < 0
    ), lots AS (
        SELECT expires_at, points,
               sum(points) OVER (ORDER BY expires_at NULLS LAST, created_at, id) AS upto
        FROM l WHERE points > 0
    ), remaining AS (
        SELECT expires_at, greatest(0, least(points, upto - (SELECT used FROM consumed))) AS left_over
        FROM lots
    ), next_expiry AS (
        SELECT min(expires_at) AS at FROM remaining WHERE left_over > 0 AND expires_at > at
    )
    SELECT
        coalesce((SELECT sum(left_over) FROM remaining WHERE expires_at IS NULL OR expires_at > at), 0)::bigint,
        coalesce((SELECT sum(left_over) FROM remaining WHERE expires_at <= at), 0)::bigint,
        (SELECT sum(left_over) FROM remaining, next_expiry n WHERE remaining.expires_at = n.at)::bigint,
        (SELECT n.at FROM next_expiry n),
        coalesce((SELECT sum(points) FROM l WHERE kind = 'earn'), 0)::bigint,
        coalesce((SELECT -sum(points) FROM l WHERE kind = 'redeem'), 0)::bigint,
        greatest(0, coalesce((SELECT sum(CASE WHEN kind = 'earn' THEN points ELSE points - shortfall END)
                              FROM l WHERE kind IN ('earn', 'refund')
                              AND created_at > at - make_interval(days => window_days)), 0))::bigint;
END;

-- Writes a customer's lapsed lots off as one expire entry. Every writer calls it under the
-- customer's lock before it writes, so that a negative entry never consumes lapsed points.
CREATE FUNCTION points_write_lapsed(t uuid, c bigint) RETURNS bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
    INSERT INTO points_ledger (tenant_id, customer_id, kind, points, reason)
    SELECT t, c, 'expire', -s.lapsed, 'expired'
    FROM points_state(t, c, now(), 1) s
    WHERE s.lapsed > 0
    RETURNING -points;
END;

-- Where a customer with `earned` points in the tier window (and the tiers named in granted,
-- from running memberships) stands in a programme: the highest tier reached or granted,
-- the next one and the points still missing to it, and the tier's multiplier.
CREATE FUNCTION program_tier(config jsonb, earned bigint, granted text[])
RETURNS TABLE (tier text, next_tier text, points_to_next bigint, multiplier numeric)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH t AS (
        SELECT x.value->>'name' AS name, (x.value->>'threshold')::bigint AS threshold,
               round((x.value->>'multiplier')::numeric, 4) AS multiplier, x.ord
        FROM jsonb_array_elements(config->'tiers') WITH ORDINALITY AS x(value, ord)
    ), placed AS (
        SELECT max(ord) AS ord FROM t WHERE threshold <= earned OR name = ANY (granted)
    )
    SELECT t.name, n.name, CASE WHEN n.name IS NULL THEN NULL ELSE greatest(n.threshold - earned, 0) END,
           t.multiplier
    FROM placed p JOIN t ON t.ord = p.ord LEFT JOIN t n ON n.ord = p.ord + 1;
END;

-- A number rounded to whole points the way a programme says (floor, round or ceil).
CREATE FUNCTION program_round(config jsonb, x numeric) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE config->>'rounding' WHEN 'ceil' THEN ceil(x) WHEN 'round' THEN round(x) ELSE floor(x) END;

-- Tiers granted to a customer by membership_purchased events running at `at`.
CREATE FUNCTION points_granted(t uuid, c bigint, at timestamptz) RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT coalesce(array_agg(DISTINCT e.properties->>'tier'), '{}')
    FROM events e
    WHERE e.tenant_id = t AND e.customer_id = c AND e.type = 'membership_purchased'
      AND (e.properties->>'until')::timestamptz > at;
END;

-- Writes the points the stored events earn or take back, under the rules in force; called
-- by the ingest statement with the events it stored (so a duplicate never earns twice),
-- in the same transaction. Orders earn amount × points_per_unit × tier multiplier, rounded
-- as configured, when in the programme's currency; event types in event_points earn their
-- fixed points; a refund takes back its order's points in proportion to the amount
-- refunded so far (rounded as the order's programme version says), never more than the
-- balance: the rest is recorded as shortfall. Points date from the event (never from the
-- future), so their expiry and tier window follow the purchase. Returns the entries
-- written.
CREATE FUNCTION points_ingest(evs events[]) RETURNS integer
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    e events;
    cfg jsonb;
    ver integer;
    tenant uuid;
    customer bigint;
    window_earned bigint;
    granted text[];
    at timestamptz;
    pts bigint;
    written integer := 0;
    o record;
    balance bigint;
    total_back bigint;
    take bigint;
BEGIN
    IF evs IS NULL THEN
        RETURN 0;
    END IF;
    -- every points writer holds the customer's row lock; taken here in one order, so that
    -- two ingests never deadlock (NO KEY UPDATE: the events' foreign keys hold KEY SHARE)
    PERFORM 1 FROM customers c
    WHERE (c.tenant_id, c.id) IN (SELECT x.tenant_id, x.customer_id FROM unnest(evs) x)
    ORDER BY c.tenant_id, c.id
    FOR NO KEY UPDATE;

    FOR e IN SELECT * FROM unnest(evs) x ORDER BY x.tenant_id, x.customer_id, x.occurred_at, x.id LOOP
        IF e.tenant_id IS DISTINCT FROM tenant THEN
            tenant := e.tenant_id;
            customer := NULL;
            SELECT p.config, p.version INTO cfg, ver
            FROM loyalty_programs p WHERE p.tenant_id = tenant ORDER BY p.version DESC LIMIT 1;
        END IF;
        CONTINUE WHEN cfg IS NULL;
        IF e.customer_id IS DISTINCT FROM customer THEN
            IF customer IS NOT NULL THEN
                PERFORM points_write_lapsed(tenant, customer); -- back-dated lots may have lapsed
            END IF;
            customer := e.customer_id;
            PERFORM points_write_lapsed(tenant, customer);
            SELECT s.earned_in_window INTO window_earned
            FROM points_state(tenant, customer, now(), coalesce((cfg->>'tier_window_days')::integer, 365)) s;

            granted := points_granted(tenant, customer, now());
        END IF;
        at := least(e.occurred_at, now());
        pts := NULL;

        IF e.type = 'membership_purchased' THEN
            IF (e.properties->>'until')::timestamptz > now() THEN
                granted := granted || (e.properties->>'tier');
            END IF;
        ELSIF e.type = 'order' THEN
            IF e.currency = cfg->>'currency' THEN
                pts := program_round(cfg, e.amount * round((cfg->>'points_per_unit')::numeric, 4)
                                     * (SELECT pt.multiplier FROM program_tier(cfg, window_earned, granted) pt));
            END IF;
        ELSIF e.type = 'refund' THEN
            -- the order's entry, and what earlier refunds of it took back and refunded
            SELECT l.points AS earned, l.amount AS order_amount, pv.config AS order_cfg,
                   coalesce(r.taken, 0) AS taken, coalesce(r.refunded, 0) AS refunded
            INTO o
            FROM points_ledger l
            JOIN loyalty_programs pv ON pv.tenant_id = l.tenant_id AND pv.version = l.program_version
            LEFT JOIN LATERAL (
                SELECT sum(-b.points + b.shortfall) AS taken, sum(b.amount) AS refunded
                FROM points_ledger b
                WHERE b.tenant_id = tenant AND b.customer_id = customer AND b.reference = e.order_id
                  AND b.event_id IS NOT NULL AND b.kind = 'refund'
            ) r ON true
            WHERE l.tenant_id = tenant AND l.customer_id = customer AND l.reference = e.order_id
              AND l.event_id IS NOT NULL AND l.kind = 'earn' AND l.amount > 0;
            IF FOUND AND e.currency = o.order_cfg->>'currency' THEN
                total_back := program_round(o.order_cfg,
                    o.earned * least(o.refunded + e.amount, o.order_amount) / o.order_amount);
                take := least(total_back, o.earned) - o.taken;
                IF take > 0 THEN
                    -- lots dated earlier in this batch may have lapsed: never take those back
                    PERFORM points_write_lapsed(tenant, customer);
                    SELECT s.balance INTO balance
                    FROM points_state(tenant, customer, now(), 1) s;
                    INSERT INTO points_ledger (tenant_id, customer_id, kind, points, reason,
                                               reference, program_version, event_id, amount,
                                               shortfall, created_at)
                    VALUES (tenant, customer, 'refund', -least(take, balance), 'refund',
                            e.order_id, ver, e.id, e.amount, take - least(take, balance), at);
                    window_earned := greatest(0, window_earned - take);
                    written := written + 1;
                END IF;
            END IF;
        ELSIF cfg->'event_points' ? e.type THEN
            pts := (cfg->'event_points'->>e.type)::bigint;
        END IF;

        IF pts > 0 THEN
            INSERT INTO points_ledger (tenant_id, customer_id, kind, points, reason, reference,
                                       program_version, event_id, amount, expires_at, created_at)
            VALUES (tenant, customer, 'earn', pts, e.type, coalesce(e.order_id, e.client_id),
                    ver, e.id, CASE WHEN e.type = 'order' THEN e.amount END,
                    at + make_interval(days => (cfg->>'expiry_days')::integer), at);
            window_earned := window_earned + pts;
            written := written + 1;
        END IF;
    END LOOP;
    IF customer IS NOT NULL THEN
        PERFORM points_write_lapsed(tenant, customer);
    END IF;
    RETURN written;
END;
$$;
COMMENT ON FUNCTION points_ingest(events[]) IS 'Earns and takes back the points of freshly stored events, in their transaction (see the comment in 0009_points_on_ingest.sql).';

-- The API's representation of a ledger entry, defined once.
CREATE FUNCTION points_entry_json(p points_ledger) RETURNS json
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN json_build_object(
        'id', p.id, 'kind', p.kind, 'points', p.points, 'reason', p.reason,
        'reference', p.reference, 'amount', p.amount::text, 'shortfall', p.shortfall,
        'expires_at', rfc3339(p.expires_at), 'created_at', rfc3339(p.created_at));
