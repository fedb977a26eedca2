-- points.expiring of the daily evaluation of tenant t: every lot (a positive entry with an
-- expiry) that lapses within `days` days from now and was not told yet, for the part of it
-- still unspent — lots are consumed in order of expiry, then age, by every negative entry,
-- as points_state computes — once per lot (outbound_expiring_sent). A lot spent whole sends
-- nothing and is not recorded (a later look finds it spent still). data: {"customer_id",
-- "entry_id", "points" (what is left of the lot), "expires_at", "balance" (now)}. One
-- statement for the tenant, and nothing read unless an endpoint wants points.expiring:
-- only the customers with such a lot are read. Returns the messages written.
CREATE OR REPLACE FUNCTION outbound_daily_expiring(t uuid, days integer)
RETURNS integer
LANGUAGE sql VOLATILE
BEGIN ATOMIC
    WITH candidates AS (
        SELECT DISTINCT l.customer_id
        FROM points_ledger l
        WHERE outbound_wants(t, 'points.expiring') AND l.tenant_id = t AND l.points > 0 AND l.expires_at > now()
          AND l.expires_at <= now() + make_interval(days => days)
          AND NOT EXISTS (SELECT 1 FROM outbound_expiring_sent s
                          WHERE s.tenant_id = t AND s.entry_id = l.id)
    ), l AS (
        SELECT l.* FROM points_ledger l JOIN candidates c ON c.customer_id = l.customer_id
        WHERE l.tenant_id = t
    ), consumed AS (
        SELECT l.customer_id, coalesce(-sum(l.points) FILTER (WHERE l.points < 0), 0) AS used
        FROM l GROUP BY l.customer_id
    ), lots AS (
        SELECT l.id, l.customer_id, l.expires_at, l.points,
               sum(l.points) OVER (PARTITION BY l.customer_id
                                   ORDER BY l.expires_at NULLS LAST, l.created_at, l.id) AS upto
        FROM l WHERE l.points > 0
    ), remaining AS (
        SELECT lots.id, lots.customer_id, lots.expires_at,
               greatest(0, least(lots.points, lots.upto - c.used)) AS left_over
        FROM lots JOIN consumed c ON c.customer_id = lots.customer_id
    ), balances AS (
        SELECT r.customer_id, sum(r.left_over) AS balance
        FROM remaining r WHERE r.expires_at IS NULL OR r.expires_at > now()
        GROUP BY r.customer_id
    ), due AS (
        SELECT r.*, b.balance
        FROM remaining r JOIN balances b ON b.customer_id = r.customer_id
        WHERE r.left_over > 0 AND r.expires_at > now()
          AND r.expires_at <= now() + make_interval(days => days)
          AND NOT EXISTS (SELECT 1 FROM outbound_expiring_sent s
                          WHERE s.tenant_id = t AND s.entry_id = r.id)
    ), sent AS (
        INSERT INTO outbound_expiring_sent (tenant_id, entry_id) SELECT t, d.id FROM due d
    ), told AS (
        INSERT INTO outbound_messages (tenant_id, endpoint_id, type, customer_key, body)
        SELECT t, e.id, 'points.expiring', d.customer_id,
               outbound_body('points.expiring', now(),
                             jsonb_build_object('customer_id', c.external_id, 'entry_id', d.id,
                                                'points', d.left_over,
                                                'expires_at', rfc3339(d.expires_at),
                                                'balance', d.balance))
        FROM due d
        JOIN customers c ON c.tenant_id = t AND c.id = d.customer_id
        CROSS JOIN LATERAL outbound_targets(t, 'points.expiring') AS e(id)
        ORDER BY d.customer_id, d.expires_at, d.id, e.id
        RETURNING 1
    )
    SELECT count(*)::integer FROM told;
END;
