-- The functions that move points: points_state, points_totals (and the points_accounts
-- trigger), points_write_lapsed, points_change, points_append, points_ingest,
-- program_round, program_tier, points_expiry_due. Every expected figure is worked out by
-- hand in the comments. One transaction, rolled back: now() is one instant throughout.
BEGIN;

INSERT INTO tenants (id, name) VALUES ('00000000-0000-4000-8000-0000000000a1', 'SQL tests');
-- EUR, 2 points a unit, floored; bronze from 0 (x1), silver from 100 (x1.5); a review
-- earns 5; lots last 30 days; a redeem takes at least 10.
INSERT INTO loyalty_programs (tenant_id, version, config)
VALUES ('00000000-0000-4000-8000-0000000000a1', 1,
        '{"currency": "EUR", "points_per_unit": 2, "rounding": "floor",
          "tiers": [{"name": "bronze", "threshold": 0, "multiplier": 1},
                    {"name": "silver", "threshold": 100, "multiplier": 1.5}],
          "event_points": {"review": 5}, "tier_window_days": 365, "expiry_days": 30,
          "min_redeem": 10}');
INSERT INTO customers (tenant_id, external_id)
SELECT '00000000-0000-4000-8000-0000000000a1', x
FROM unnest(ARRAY['empty', 'fifo', 'tie', 'spend', 'lapsing', 'ing', 'buyer', 'old']) AS x;

CREATE FUNCTION pg_temp.t() RETURNS uuid LANGUAGE sql
RETURN '00000000-0000-4000-8000-0000000000a1'::uuid;
CREATE FUNCTION pg_temp.c(ext text) RETURNS bigint LANGUAGE sql
RETURN (SELECT id FROM customers WHERE tenant_id = pg_temp.t() AND external_id = ext);
-- A ledger entry written by hand (as the owner: no row-level security).
CREATE FUNCTION pg_temp.entry(ext text, k text, pts bigint, created timestamptz,
                              expires timestamptz) RETURNS void
LANGUAGE sql
BEGIN ATOMIC
    INSERT INTO points_ledger (tenant_id, customer_id, kind, points, reason, program_version,
                               expires_at, created_at)
    VALUES (pg_temp.t(), pg_temp.c(ext), k, pts, k, 1, expires, created);
END;

-- ---- zero: a customer without entries ----
SELECT pg_temp.eq(s.balance, 0, 'empty balance'), pg_temp.eq(s.lapsed, 0, 'empty lapsed'),
       pg_temp.eq(s.expiring_points, NULL, 'empty expiring'),
       pg_temp.eq(s.expiring_at, NULL, 'empty expiring_at'),
       pg_temp.eq(s.lifetime_earned, 0, 'empty earned'),
       pg_temp.eq(s.lifetime_redeemed, 0, 'empty redeemed'),
       pg_temp.eq(s.earned_in_window, 0, 'empty window')
FROM points_state(pg_temp.t(), pg_temp.c('empty'), now(), 365) s;
SELECT pg_temp.eq((s.balance, s.lapsed, s.earned_in_window)::text, '(0,0,0)', 'empty totals')
FROM points_totals(pg_temp.t(), pg_temp.c('empty'), now(), 365) s;

-- ---- lots consumed first to expire first; the expiry boundary ----
-- L1 earn 100 (2025-01-01, lapses 2025-02-01), L2 earn 40 (2025-01-15, lapses exactly at
-- T0 = 2025-03-01), L3 adjust 60 (lapses 2025-04-01), L4 adjust 25 (never lapses), one
-- redeem of 120. The 120 take L1 (100) and 20 of L2: left L2 20, L3 60, L4 25.
SELECT pg_temp.entry('fifo', 'earn', 100, '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z');
SELECT pg_temp.entry('fifo', 'earn', 40, '2025-01-15T00:00:00Z', '2025-03-01T00:00:00Z');
SELECT pg_temp.entry('fifo', 'adjust', 60, '2025-02-01T00:00:00Z', '2025-04-01T00:00:00Z');
SELECT pg_temp.entry('fifo', 'adjust', 25, '2024-12-01T00:00:00Z', NULL);
SELECT pg_temp.entry('fifo', 'redeem', -120, '2025-01-20T00:00:00Z', NULL);
-- at T0 a lot lapsing at T0 has lapsed (expires_at <= at): lapsed 0 + 20 = 20, balance
-- 60 + 25 = 85, next L3's 60 on 2025-04-01; earned (kind earn) 140, redeemed 120; in the
-- 365-day window 100 + 40 = 140 (adjustments do not count)
SELECT pg_temp.eq(s.balance, 85, 'fifo balance at T0'), pg_temp.eq(s.lapsed, 20, 'fifo lapsed at T0'),
       pg_temp.eq(s.expiring_points, 60, 'fifo expiring at T0'),
       pg_temp.eq(s.expiring_at, '2025-04-01T00:00:00Z', 'fifo expiring_at at T0'),
       pg_temp.eq(s.lifetime_earned, 140, 'fifo earned'),
       pg_temp.eq(s.lifetime_redeemed, 120, 'fifo redeemed'),
       pg_temp.eq(s.earned_in_window, 140, 'fifo window 365')
FROM points_state(pg_temp.t(), pg_temp.c('fifo'), '2025-03-01T00:00:00Z', 365) s;
-- one microsecond earlier L2 still counts: balance 20 + 60 + 25 = 105, nothing lapsed
-- (L1 is used up), next L2's 20 at T0
SELECT pg_temp.eq(s.balance, 105, 'fifo balance before T0'),
       pg_temp.eq(s.lapsed, 0, 'fifo lapsed before T0'),
       pg_temp.eq(s.expiring_points, 20, 'fifo expiring before T0'),
       pg_temp.eq(s.expiring_at, '2025-03-01T00:00:00Z', 'fifo expiring_at before T0')
FROM points_state(pg_temp.t(), pg_temp.c('fifo'), '2025-02-28T23:59:59.999999Z', 365) s;
-- the window is strict: created_at > at - window. 30 days before T0 is 2025-01-30: no
-- earn is inside; 45 days (2025-01-15) leaves L2 out, on its boundary; 46 takes it in
SELECT pg_temp.eq(s.earned_in_window, 0, 'fifo window 30')
FROM points_state(pg_temp.t(), pg_temp.c('fifo'), '2025-03-01T00:00:00Z', 30) s;
SELECT pg_temp.eq(s.earned_in_window, 0, 'fifo window boundary')
FROM points_state(pg_temp.t(), pg_temp.c('fifo'), '2025-03-01T00:00:00Z', 45) s;
SELECT pg_temp.eq(s.earned_in_window, 40, 'fifo window past boundary')
FROM points_state(pg_temp.t(), pg_temp.c('fifo'), '2025-03-01T00:00:00Z', 46) s;
-- points_totals gives the same figures from the running totals: total 100 + 40 + 60 + 25
-- - 120 = 105, used 120
SELECT pg_temp.eq((SELECT (a.total, a.used)::text FROM points_accounts a
                   WHERE a.tenant_id = pg_temp.t() AND a.customer_id = pg_temp.c('fifo')),
                  '(105,120)', 'fifo account');
SELECT pg_temp.eq((s.balance, s.lapsed, s.earned_in_window)::text, '(85,20,140)', 'fifo totals at T0')
FROM points_totals(pg_temp.t(), pg_temp.c('fifo'), '2025-03-01T00:00:00Z', 365) s;
SELECT pg_temp.eq((s.balance, s.lapsed, s.earned_in_window)::text, '(105,0,140)', 'fifo totals before T0')
FROM points_totals(pg_temp.t(), pg_temp.c('fifo'), '2025-02-28T23:59:59.999999Z', 365) s;
-- after everything lapsed (L4 never does): balance 25, lapsed 20 + 60 = 80, no next expiry
SELECT pg_temp.eq((s.balance, s.lapsed, s.expiring_points, s.expiring_at)::text, '(25,80,,)', 'fifo state late')
FROM points_state(pg_temp.t(), pg_temp.c('fifo'), '2026-01-01T00:00:00Z', 365) s;
SELECT pg_temp.eq((s.balance, s.lapsed)::text, '(25,80)', 'fifo totals late')
FROM points_totals(pg_temp.t(), pg_temp.c('fifo'), '2026-01-01T00:00:00Z', 365) s;

-- ---- ties in time: two lots written at the same instant, lapsing at the same instant ----
-- 10 and 20 at 2025-01-01, both lapsing 2025-02-01, 5 lapsing 2025-03-01; a redeem of 15
-- at the same instant too. The first lot by id goes first: 10, then 5 of the 20.
SELECT pg_temp.entry('tie', 'earn', 10, '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z');
SELECT pg_temp.entry('tie', 'earn', 20, '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z');
SELECT pg_temp.entry('tie', 'earn', 5, '2025-01-01T00:00:00Z', '2025-03-01T00:00:00Z');
SELECT pg_temp.entry('tie', 'redeem', -15, '2025-01-01T00:00:00Z', NULL);
-- the two lots lapse as one: 0 + 15 expiring on 2025-02-01; balance 15 + 5
SELECT pg_temp.eq((s.balance, s.lapsed, s.expiring_points, s.expiring_at)::text,
                  '(20,0,15,"2025-02-01 00:00:00+00")', 'tie before')
FROM points_state(pg_temp.t(), pg_temp.c('tie'), '2025-01-15T00:00:00Z', 365) s;
SELECT pg_temp.eq((s.balance, s.lapsed, s.expiring_points)::text, '(5,15,5)', 'tie at expiry')
FROM points_state(pg_temp.t(), pg_temp.c('tie'), '2025-02-01T00:00:00Z', 365) s;
SELECT pg_temp.eq((s.balance, s.lapsed)::text, '(5,15)', 'tie totals at expiry')
FROM points_totals(pg_temp.t(), pg_temp.c('tie'), '2025-02-01T00:00:00Z', 365) s;

-- ---- points_write_lapsed: written off once ----
-- 50 earned 40 days ago lapsed 10 days ago; 30 lapse in 25 days; 20 spent. The 20 came
-- from the 50: 30 of it lapsed, unwritten; balance 30.
SELECT pg_temp.entry('spend', 'earn', 50, now() - interval '40 days', now() - interval '10 days');
SELECT pg_temp.entry('spend', 'earn', 30, now() - interval '5 days', now() + interval '25 days');
SELECT pg_temp.entry('spend', 'redeem', -20, now() - interval '20 days', NULL);
SELECT pg_temp.eq((s.balance, s.lapsed)::text, '(30,30)', 'spend before write-off')
FROM points_totals(pg_temp.t(), pg_temp.c('spend'), now(), 1) s;
SELECT pg_temp.eq(points_write_lapsed(pg_temp.t(), pg_temp.c('spend')), 30, 'write-off');
SELECT pg_temp.eq(points_write_lapsed(pg_temp.t(), pg_temp.c('spend')), 0, 'second write-off');
SELECT pg_temp.eq(count(*), 1, 'one expire entry'), pg_temp.eq(sum(points), -30, 'expire points')
FROM points_ledger WHERE customer_id = pg_temp.c('spend') AND kind = 'expire';
SELECT pg_temp.eq((s.balance, s.lapsed)::text, '(30,0)', 'spend after write-off')
FROM points_totals(pg_temp.t(), pg_temp.c('spend'), now(), 1) s;
SELECT pg_temp.eq((s.balance, s.lapsed)::text, '(30,0)', 'spend state after write-off')
FROM points_state(pg_temp.t(), pg_temp.c('spend'), now(), 1) s;

-- ---- points_change: refusals write nothing; never below zero ----
SELECT pg_temp.eq((p.outcome, p.entry_json, p.new_balance, p.min_points)::text, '(no_customer,,0,0)', 'no customer')
FROM points_change(pg_temp.t(), 'nobody', 'redeem', -10, 'r', NULL) p;
-- 5 < min_redeem 10; the balance shown is the available 30
SELECT pg_temp.eq((p.outcome, p.new_balance, p.min_points)::text, '(under_min,30,10)', 'under min')
FROM points_change(pg_temp.t(), 'spend', 'redeem', -5, 'r', NULL) p;
SELECT pg_temp.eq((p.outcome, p.new_balance)::text, '(over_balance,30)', 'over balance')
FROM points_change(pg_temp.t(), 'spend', 'redeem', -31, 'r', NULL) p;
SELECT pg_temp.eq(count(*), 4, 'refusals wrote nothing')
FROM points_ledger WHERE customer_id = pg_temp.c('spend');
-- exactly the balance: done, 0 left
SELECT pg_temp.eq((p.outcome, p.new_balance, p.entry_json->>'kind', p.entry_json->>'points',
                   p.entry_json->>'reference')::text, '(done,0,redeem,-30,ref-1)', 'redeem all')
FROM points_change(pg_temp.t(), 'spend', 'redeem', -30, 'voucher', 'ref-1') p;
-- an adjustment may not take the balance below zero either
SELECT pg_temp.eq((p.outcome, p.new_balance)::text, '(over_balance,0)', 'adjust below zero')
FROM points_change(pg_temp.t(), 'spend', 'adjust', -1, 'fix', NULL) p;
-- an earn: a lot of the programme in force, lapsing expiry_days (30) from now
SELECT pg_temp.eq((p.outcome, p.new_balance)::text, '(done,7)', 'earn')
FROM points_change(pg_temp.t(), 'spend', 'earn', 7, 'gift', NULL) p;
SELECT pg_temp.eq((SELECT (l.program_version, l.expires_at, l.created_at)::text FROM points_ledger l
                   WHERE l.customer_id = pg_temp.c('spend') AND l.points = 7),
                  (1, now() + interval '30 days', now())::text, 'earned lot');
-- a change of zero points is no entry at all: the ledger refuses it
SELECT pg_temp.raises($$SELECT * FROM points_change(pg_temp.t(), 'spend', 'adjust', 0, 'zero', NULL)$$,
                      '23514', 'zero change');
SELECT pg_temp.eq((s.balance, s.lifetime_earned, s.lifetime_redeemed)::text, '(7,87,50)', 'spend state')
FROM points_state(pg_temp.t(), pg_temp.c('spend'), now(), 365) s;

-- lapsed points never count: 40 lapsed yesterday (unwritten), 15 live
SELECT pg_temp.entry('lapsing', 'earn', 40, now() - interval '31 days', now() - interval '1 day');
SELECT pg_temp.entry('lapsing', 'earn', 15, now() - interval '1 day', now() + interval '29 days');
SELECT pg_temp.eq((p.outcome, p.new_balance)::text, '(over_balance,15)', 'lapsed do not count')
FROM points_change(pg_temp.t(), 'lapsing', 'redeem', -20, 'r', NULL) p;
SELECT pg_temp.eq(count(*), 0, 'a refusal writes no expire entry')
FROM points_ledger WHERE customer_id = pg_temp.c('lapsing') AND kind = 'expire';
-- done: the 40 are written off first, then the 15 redeemed
SELECT pg_temp.eq((p.outcome, p.new_balance)::text, '(done,0)', 'redeem the live lot')
FROM points_change(pg_temp.t(), 'lapsing', 'redeem', -15, 'r', NULL) p;
SELECT pg_temp.eq(string_agg(kind || ' ' || points, ', ' ORDER BY id), 'earn 40, earn 15, expire -40, redeem -15', 'lapsing ledger')
FROM points_ledger WHERE customer_id = pg_temp.c('lapsing');
SELECT pg_temp.eq((s.balance, s.lapsed)::text, '(0,0)', 'lapsing totals')
FROM points_totals(pg_temp.t(), pg_temp.c('lapsing'), now(), 1) s;

-- ---- points_append: one entry per element, dated at, lapsing expiry_days later ----
SELECT pg_temp.eq(points_append(pg_temp.t(), 1, 30, '{}', '{}', '{}', '{}', '{}', '{}', '{}'), 0, 'append nothing');
SELECT pg_temp.eq(points_append(pg_temp.t(), 1, 30,
                                ARRAY[pg_temp.c('ing'), pg_temp.c('ing')], ARRAY[12, 3]::bigint[],
                                ARRAY['order', 'review'], ARRAY['o-9', 'rv-1'], '{NULL,NULL}',
                                ARRAY[6.5, NULL]::numeric[],
                                ARRAY['2025-05-01T12:00:00Z', '2025-05-01T12:00:00Z']::timestamptz[]),
                  2, 'append two');
SELECT pg_temp.eq(string_agg(concat_ws(' ', kind, points, reference, amount, created_at, expires_at), '; ' ORDER BY id),
                  'earn 12 o-9 6.5 2025-05-01 12:00:00+00 2025-05-31 12:00:00+00; '
                  'earn 3 rv-1 2025-05-01 12:00:00+00 2025-05-31 12:00:00+00', 'appended')
FROM points_ledger WHERE customer_id = pg_temp.c('ing');
-- one statement, one update of the account: 12 + 3
SELECT pg_temp.eq((SELECT (a.total, a.used)::text FROM points_accounts a
                   WHERE a.customer_id = pg_temp.c('ing')), '(15,0)', 'ing account');

-- ---- points_ingest: orders, fixed points, tiers, refunds and their shortfall ----
INSERT INTO events (tenant_id, customer_id, client_id, type, occurred_at, amount, currency, order_id)
VALUES (pg_temp.t(), pg_temp.c('buyer'), 'e1', 'order', now() - interval '4 days', 10.75, 'EUR', 'o-1'),
       (pg_temp.t(), pg_temp.c('buyer'), 'e2', 'order', now() - interval '3 days', 5, 'USD', 'o-2'),
       (pg_temp.t(), pg_temp.c('buyer'), 'e3', 'review', now() - interval '3 days', NULL, NULL, NULL),
       (pg_temp.t(), pg_temp.c('buyer'), 'e4', 'order', now() - interval '2 days', 50, 'EUR', 'o-3'),
       (pg_temp.t(), pg_temp.c('buyer'), 'e5', 'order', now() - interval '1 day', 1.01, 'EUR', 'o-4'),
       (pg_temp.t(), pg_temp.c('buyer'), 'e6', 'visit', now() - interval '1 day', NULL, NULL, NULL);
-- 10.75 x 2 = 21.5 -> 21; USD earns nothing; review 5; 50 x 2 = 100 (window 126: silver);
-- 1.01 x 2 x 1.5 = 3.03 -> 3; a visit earns nothing. Four entries.
SELECT pg_temp.eq(points_ingest(array_agg(e ORDER BY e.id)), 4, 'ingest entries')
FROM events e WHERE e.customer_id = pg_temp.c('buyer');
SELECT pg_temp.eq(string_agg(reason || ' ' || points, ', ' ORDER BY created_at, id), 'order 21, review 5, order 100, order 3', 'ingest earns')
FROM points_ledger WHERE customer_id = pg_temp.c('buyer');
SELECT pg_temp.eq((SELECT l.expires_at - e.occurred_at FROM points_ledger l
                   JOIN events e ON e.id = l.event_id WHERE e.client_id = 'e4'),
                  interval '30 days', 'an earned lot lapses 30 days after its order');
-- half of o-3 refunded: floor(100 x 25 / 50) = 50 taken back; balance 129 - 50 = 79
INSERT INTO events (tenant_id, customer_id, client_id, type, occurred_at, amount, currency, order_id)
VALUES (pg_temp.t(), pg_temp.c('buyer'), 'r1', 'refund', now() - interval '12 hours', 25, 'EUR', 'o-3');
SELECT pg_temp.eq(points_ingest(array_agg(e)), 1, 'refund entries')
FROM events e WHERE e.client_id = 'r1';
SELECT pg_temp.eq((s.balance, s.earned_in_window)::text, '(79,79)', 'after a half refund')
FROM points_totals(pg_temp.t(), pg_temp.c('buyer'), now(), 365) s;
-- 70 spent, then the rest refunded: 100 - 50 = 50 to take back, only 9 left: -9 and a
-- shortfall of 41; the balance stops at 0, and the window counts the whole 50 taken back
SELECT pg_temp.eq(p.outcome, 'done', 'spend 70')
FROM points_change(pg_temp.t(), 'buyer', 'redeem', -70, 'r', NULL) p;
INSERT INTO events (tenant_id, customer_id, client_id, type, occurred_at, amount, currency, order_id)
VALUES (pg_temp.t(), pg_temp.c('buyer'), 'r2', 'refund', now() - interval '1 hour', 25, 'EUR', 'o-3');
SELECT pg_temp.eq(points_ingest(array_agg(e)), 1, 'second refund entries')
FROM events e WHERE e.client_id = 'r2';
SELECT pg_temp.eq((SELECT (l.points, l.shortfall, l.amount)::text FROM points_ledger l
                   WHERE l.event_id = (SELECT id FROM events WHERE client_id = 'r2')),
                  '(-9,41,25)', 'shortfall');
SELECT pg_temp.eq((s.balance, s.lapsed, s.lifetime_earned, s.lifetime_redeemed, s.earned_in_window)::text,
                  '(0,0,129,70,29)', 'buyer state')
FROM points_state(pg_temp.t(), pg_temp.c('buyer'), now(), 365) s;
SELECT pg_temp.eq((s.balance, s.earned_in_window)::text, '(0,29)', 'buyer totals')
FROM points_totals(pg_temp.t(), pg_temp.c('buyer'), now(), 365) s;
-- a third refund of o-3 has nothing left to take: no entry
INSERT INTO events (tenant_id, customer_id, client_id, type, occurred_at, amount, currency, order_id)
VALUES (pg_temp.t(), pg_temp.c('buyer'), 'r3', 'refund', now(), 5, 'EUR', 'o-3');
SELECT pg_temp.eq(points_ingest(array_agg(e)), 0, 'nothing left to refund')
FROM events e WHERE e.client_id = 'r3';
-- an order dated past the expiry (31 days ago, lots last 30) earns a lot that has lapsed
-- already: written off at once
INSERT INTO events (tenant_id, customer_id, client_id, type, occurred_at, amount, currency, order_id)
VALUES (pg_temp.t(), pg_temp.c('old'), 'x1', 'order', now() - interval '31 days', 10, 'EUR', 'o-old');
SELECT pg_temp.eq(points_ingest(array_agg(e)), 1, 'stale order entries')
FROM events e WHERE e.client_id = 'x1';
SELECT pg_temp.eq(string_agg(kind || ' ' || points, ', ' ORDER BY id), 'earn 20, expire -20', 'stale lot written off')
FROM points_ledger WHERE customer_id = pg_temp.c('old');
-- null: nothing to do (points_ingest is STRICT)
SELECT pg_temp.eq(points_ingest(NULL), NULL, 'ingest of null');

-- ---- rounding and tiers ----
SELECT pg_temp.eq(program_round('{"rounding": "floor"}', 2.99), 2, 'floor'),
       pg_temp.eq(program_round('{}', 2.99), 2, 'floor by default'),
       pg_temp.eq(program_round('{"rounding": "round"}', 2.5), 3, 'round half up'),
       pg_temp.eq(program_round('{"rounding": "round"}', 2.49), 2, 'round down'),
       pg_temp.eq(program_round('{"rounding": "ceil"}', 2.01), 3, 'ceil'),
       pg_temp.eq(program_round('{"rounding": "ceil"}', 0), 0, 'ceil of zero');
CREATE FUNCTION pg_temp.tier(earned bigint, granted text[]) RETURNS text LANGUAGE sql
RETURN (SELECT (pt.tier, pt.next_tier, pt.points_to_next, pt.multiplier)::text
        FROM loyalty_programs p, program_tier(p.config, earned, granted) pt
        WHERE p.tenant_id = pg_temp.t());
SELECT pg_temp.eq(pg_temp.tier(0, '{}'), '(bronze,silver,100,1.0000)', 'tier at 0'),
       pg_temp.eq(pg_temp.tier(99, '{}'), '(bronze,silver,1,1.0000)', 'tier at 99'),
       pg_temp.eq(pg_temp.tier(100, '{}'), '(silver,,,1.5000)', 'tier at 100'),
       pg_temp.eq(pg_temp.tier(0, '{silver}'), '(silver,,,1.5000)', 'tier granted');

-- ---- points_expiry_due: customers with a lot lapsed after their watermark ----
-- lapsed lots: fifo (to 2025-04-01), tie (to 2025-03-01), ing (2025-05-31), spend,
-- lapsing, old; tie's
-- watermark covers its lots, fifo's does not (2025-02-15 < 2025-03-01)
INSERT INTO points_expiry_watermark (tenant_id, customer_id, through)
VALUES (pg_temp.t(), pg_temp.c('tie'), '2025-03-01T00:00:00Z'),
       (pg_temp.t(), pg_temp.c('fifo'), '2025-02-15T00:00:00Z');
SELECT pg_temp.eq(string_agg(c.external_id, ',' ORDER BY c.external_id), 'fifo,ing,lapsing,old,spend', 'expiry due')
FROM points_expiry_due(100) d JOIN customers c ON c.id = d.customer_id;

ROLLBACK;
