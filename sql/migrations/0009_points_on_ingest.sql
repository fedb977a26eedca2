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

-- The balance, the lapsed-but-unwritten points and the points earned in the tier window
-- (as points_state counts them) in one aggregate pass, for the writers. Since lots are
-- consumed in order of expiry, the lapsed lots are consumed first: what is left of them
-- is their sum less everything consumed, and the balance is the rest of the ledger.
-- points_state, which also finds the next expiry, gives the same figures.
CREATE FUNCTION points_totals(t uuid, c bigint, at timestamptz, window_days integer)
RETURNS TABLE (balance bigint, lapsed bigint, earned_in_window bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH s AS (
        SELECT coalesce(sum(points), 0) AS total,
               coalesce(sum(points) FILTER (WHERE points > 0 AND expires_at <= at), 0) AS lapsing,
               coalesce(-sum(points) FILTER (WHERE points < 0), 0) AS used,
               coalesce(sum(CASE WHEN kind = 'earn' THEN points ELSE points - shortfall END)
                        FILTER (WHERE kind IN ('earn', 'refund')
                                AND created_at > at - make_interval(days => window_days)), 0) AS win
        FROM points_ledger WHERE tenant_id = t AND customer_id = c
    )
    SELECT (total - greatest(0, lapsing - used))::bigint, greatest(0, lapsing - used)::bigint,
           greatest(0, win)::bigint
    FROM s;
END;

-- Writes a customer's lapsed lots off as one expire entry; returns the points written off.

-- Every writer calls it under the customer's lock before it writes, so that a negative
-- entry never consumes lapsed points. (PL/pgSQL: its plan, with points_state inlined, is
-- kept for the session; a SQL-language function would plan points_state on every call.)
CREATE FUNCTION points_write_lapsed(t uuid, c bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    written bigint;
BEGIN
    INSERT INTO points_ledger (tenant_id, customer_id, kind, points, reason)
    SELECT t, c, 'expire', -s.lapsed, 'expired'
    FROM points_totals(t, c, now(), 1) s
    WHERE s.lapsed > 0
    RETURNING -points INTO written;
    RETURN coalesce(written, 0);
END;
$$;


-- The API's representation of a ledger entry, defined once.
CREATE FUNCTION points_entry_json(p points_ledger) RETURNS json
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN json_build_object(
        'id', p.id, 'kind', p.kind, 'points', p.points, 'reason', p.reason,
        'reference', p.reference, 'amount', p.amount::text, 'shortfall', p.shortfall,
        'expires_at', rfc3339(p.expires_at), 'created_at', rfc3339(p.created_at));

-- One earn, redeem or adjustment of the API, in one statement (one round trip, its own
-- transaction): locks the customer, checks a redeem against min_redeem and any spending
-- against the balance (lapsed points never count), writes lapsed lots off, appends the
-- entry under the programme in force. A refused change writes nothing. outcome: done,
-- no_customer, under_min, over_balance; new_balance is the balance after (done) or the
-- available balance (refused).
CREATE FUNCTION points_change(t uuid, ext text, change_kind text, delta bigint, why text,
                              ref text)
RETURNS TABLE (outcome text, entry_json json, new_balance bigint, min_points bigint)
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    c bigint;
    cfg jsonb;
    ver integer;
    minr bigint;
    bal bigint;
    lapsed_now bigint;
    e json;
BEGIN
    SELECT cu.id INTO c FROM customers cu WHERE cu.tenant_id = t AND cu.external_id = ext
    FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'no_customer', NULL::json, 0::bigint, 0::bigint;
        RETURN;
    END IF;
    SELECT p.config, p.version INTO cfg, ver
    FROM loyalty_programs p WHERE p.tenant_id = t ORDER BY p.version DESC LIMIT 1;
    minr := coalesce((cfg->>'min_redeem')::bigint, 0);
    SELECT s.balance, s.lapsed INTO bal, lapsed_now FROM points_totals(t, c, now(), 1) s;
    IF change_kind = 'redeem' AND -delta < minr THEN
        RETURN QUERY SELECT 'under_min', NULL::json, bal, minr;
        RETURN;
    END IF;
    IF delta < 0 AND -delta > bal THEN
        RETURN QUERY SELECT 'over_balance', NULL::json, bal, minr;
        RETURN;
    END IF;
    IF lapsed_now > 0 THEN
        PERFORM points_write_lapsed(t, c);
    END IF;
    INSERT INTO points_ledger AS p (tenant_id, customer_id, kind, points, reason, reference,
                                    program_version, expires_at)
    VALUES (t, c, change_kind, delta, why, ref, ver,
            CASE WHEN delta > 0 THEN now() + make_interval(days => (cfg->>'expiry_days')::integer) END)
    RETURNING points_entry_json(p) INTO e;
    RETURN QUERY SELECT 'done', e, bal + delta, minr;
END;
$$;

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

-- Appends earned lots in one statement (points_ingest's queue): one entry per event.
CREATE FUNCTION points_append(t uuid, ver integer, expiry_days integer, customers bigint[],
                              points bigint[], reasons text[], refs text[], event_ids bigint[],
                              amounts numeric[], ats timestamptz[])
RETURNS integer
LANGUAGE sql VOLATILE
BEGIN ATOMIC
    WITH written AS (
        INSERT INTO points_ledger (tenant_id, customer_id, kind, points, reason, reference,
                                   program_version, event_id, amount, expires_at, created_at)
        SELECT t, q.customer, 'earn', q.points, q.reason, q.ref, ver, q.event_id, q.amount,
               q.at + make_interval(days => expiry_days), q.at
        FROM unnest(customers, points, reasons, refs, event_ids, amounts, ats)
             AS q(customer, points, reason, ref, event_id, amount, at)
        RETURNING 1
    )
    SELECT count(*)::integer FROM written;
END;

-- Writes the points the stored events earn or take back, under the rules in force; called
-- by the ingest statement with the events it stored (so a duplicate never earns twice),
-- in the same transaction. Orders earn amount × points_per_unit × tier multiplier, rounded
-- as configured, when in the programme's currency; event types in event_points earn their
-- fixed points; a refund takes back its order's points in proportion to the amount
-- refunded so far (rounded as the order's programme version says), never more than the
-- balance: the rest is recorded as shortfall. Points date from the event (never from the
-- future), so their expiry and tier window follow the purchase; a lot dated so far back
-- that it has lapsed is written off at once. Each customer's events are taken in time
-- order, the tier (and its multiplier) following the points earned so far. The customers'
-- starting figures are read in one query, and earned lots are appended in one INSERT per
-- tenant (sooner when a refund needs to read them). Returns the entries written.
CREATE FUNCTION points_ingest(evs events[]) RETURNS integer
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    t uuid;
    cfg jsonb;
    ver integer;
    win integer;
    expiry integer;
    memberships boolean;    -- whether the tenant has any membership_purchased event
    r record;               -- an event, with its customer's figures before the batch
    customer bigint;
    window_earned bigint;
    granted text[];
    mult numeric;           -- the multiplier of the customer's tier now
    next_at bigint;         -- window_earned at which the next tier begins; null at the top
    at timestamptz;
    pts bigint;
    stale bigint[] := '{}'; -- customers given a lot that had lapsed already
    q_customer bigint[] := '{}';
    q_points bigint[] := '{}';
    q_reason text[] := '{}';
    q_ref text[] := '{}';
    q_event bigint[] := '{}';
    q_amount numeric[] := '{}';
    q_at timestamptz[] := '{}';
    written integer := 0;
    o record;
    bal bigint;
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

    FOR t IN SELECT DISTINCT x.tenant_id FROM unnest(evs) x ORDER BY 1 LOOP
        SELECT p.config, p.version INTO cfg, ver
        FROM loyalty_programs p WHERE p.tenant_id = t ORDER BY p.version DESC LIMIT 1;
        CONTINUE WHEN cfg IS NULL;
        win := coalesce((cfg->>'tier_window_days')::integer, 365);
        expiry := (cfg->>'expiry_days')::integer;
        memberships := EXISTS (SELECT 1 FROM events m
                               WHERE m.tenant_id = t AND m.type = 'membership_purchased')
                       OR EXISTS (SELECT 1 FROM unnest(evs) x
                                  WHERE x.tenant_id = t AND x.type = 'membership_purchased');
        customer := NULL;
        FOR r IN
            WITH ev AS (
                SELECT * FROM unnest(evs) x WHERE x.tenant_id = t
            ), st AS (
                SELECT c.customer_id, s.earned_in_window AS start_earned,
                       CASE WHEN memberships THEN points_granted(t, c.customer_id, now())
                            ELSE '{}'::text[] END AS start_granted
                FROM (SELECT DISTINCT customer_id FROM ev) c
                CROSS JOIN LATERAL points_totals(t, c.customer_id, now(), win) s
            )
            SELECT ev.*, st.start_earned, st.start_granted, pt.multiplier AS start_mult,
                   st.start_earned + pt.points_to_next AS start_next_at
            FROM ev
            JOIN st ON st.customer_id = ev.customer_id
            CROSS JOIN LATERAL program_tier(cfg, st.start_earned, st.start_granted) pt
            ORDER BY ev.customer_id, ev.occurred_at, ev.id
        LOOP
            IF r.customer_id IS DISTINCT FROM customer THEN
                customer := r.customer_id;
                window_earned := r.start_earned;
                granted := r.start_granted;
                mult := r.start_mult;
                next_at := r.start_next_at;
            END IF;
            at := least(r.occurred_at, now());
            pts := NULL;

            IF r.type = 'membership_purchased' THEN
                IF (r.properties->>'until')::timestamptz > now() THEN
                    granted := granted || (r.properties->>'tier');
                    SELECT pt.multiplier, window_earned + pt.points_to_next INTO mult, next_at
                    FROM program_tier(cfg, window_earned, granted) pt;
                END IF;
            ELSIF r.type = 'order' THEN
                IF r.currency = cfg->>'currency' THEN
                    pts := program_round(cfg, r.amount * round((cfg->>'points_per_unit')::numeric, 4) * mult);
                END IF;
            ELSIF r.type = 'refund' THEN
                -- the lots earned so far in this batch must be in the ledger first
                IF cardinality(q_customer) > 0 THEN
                    written := written + points_append(t, ver, expiry, q_customer, q_points,
                                                       q_reason, q_ref, q_event, q_amount, q_at);
                    q_customer := '{}'; q_points := '{}'; q_reason := '{}'; q_ref := '{}';
                    q_event := '{}'; q_amount := '{}'; q_at := '{}';
                END IF;
                -- the order's entry, and what earlier refunds of it took back and refunded
                SELECT l.points AS earned, l.amount AS order_amount, pv.config AS order_cfg,
                       coalesce(b.taken, 0) AS taken, coalesce(b.refunded, 0) AS refunded
                INTO o
                FROM points_ledger l
                JOIN loyalty_programs pv ON pv.tenant_id = l.tenant_id AND pv.version = l.program_version
                LEFT JOIN LATERAL (
                    SELECT sum(-f.points + f.shortfall) AS taken, sum(f.amount) AS refunded
                    FROM points_ledger f
                    WHERE f.tenant_id = t AND f.customer_id = customer AND f.reference = r.order_id
                      AND f.event_id IS NOT NULL AND f.kind = 'refund'
                ) b ON true
                WHERE l.tenant_id = t AND l.customer_id = customer AND l.reference = r.order_id
                  AND l.event_id IS NOT NULL AND l.kind = 'earn' AND l.amount > 0;
                IF FOUND AND r.currency = o.order_cfg->>'currency' THEN
                    total_back := program_round(o.order_cfg,
                        o.earned * least(o.refunded + r.amount, o.order_amount) / o.order_amount);
                    take := least(total_back, o.earned) - o.taken;
                    IF take > 0 THEN
                        -- lapsed lots are written off first: a refund never takes them back
                        PERFORM points_write_lapsed(t, customer);
                        SELECT s.balance INTO bal FROM points_totals(t, customer, now(), 1) s;
                        INSERT INTO points_ledger (tenant_id, customer_id, kind, points, reason,
                                                   reference, program_version, event_id, amount,
                                                   shortfall, created_at)
                        VALUES (t, customer, 'refund', -least(take, bal), 'refund', r.order_id,
                                ver, r.id, r.amount, take - least(take, bal), at);
                        written := written + 1;
                        window_earned := greatest(0, window_earned - take);
                        SELECT pt.multiplier, window_earned + pt.points_to_next INTO mult, next_at
                        FROM program_tier(cfg, window_earned, granted) pt;
                    END IF;
                END IF;
            ELSIF cfg->'event_points' ? r.type THEN
                pts := (cfg->'event_points'->>r.type)::bigint;
            END IF;

            IF pts > 0 THEN
                q_customer := q_customer || customer;
                q_points := q_points || pts;
                q_reason := q_reason || r.type::text;
                q_ref := q_ref || coalesce(r.order_id, r.client_id);
                q_event := q_event || r.id;
                q_amount := q_amount || CASE WHEN r.type = 'order' THEN r.amount END;
                q_at := q_at || at;
                window_earned := window_earned + pts;
                IF window_earned >= next_at THEN -- into the next tier
                    SELECT pt.multiplier, window_earned + pt.points_to_next INTO mult, next_at
                    FROM program_tier(cfg, window_earned, granted) pt;
                END IF;
                IF at + make_interval(days => expiry) <= now() THEN
                    stale := stale || customer;
                END IF;
            END IF;
        END LOOP;
        IF cardinality(q_customer) > 0 THEN
            written := written + points_append(t, ver, expiry, q_customer, q_points, q_reason,
                                               q_ref, q_event, q_amount, q_at);
            q_customer := '{}'; q_points := '{}'; q_reason := '{}'; q_ref := '{}';
            q_event := '{}'; q_amount := '{}'; q_at := '{}';
        END IF;
        PERFORM points_write_lapsed(t, s.c) FROM (SELECT DISTINCT unnest(stale) AS c) s;
        stale := '{}';
    END LOOP;
    RETURN written;
END;
$$;
COMMENT ON FUNCTION points_ingest(events[]) IS 'Earns and takes back the points of freshly stored events, in their transaction (see the comment in 0009_points_on_ingest.sql).';
