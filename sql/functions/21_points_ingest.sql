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
CREATE OR REPLACE FUNCTION points_ingest(evs events[]) RETURNS integer
LANGUAGE plpgsql VOLATILE STRICT
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
COMMENT ON FUNCTION points_ingest(events[]) IS 'Earns and takes back the points of freshly stored events, in their transaction (see sql/functions/21_points_ingest.sql).';
