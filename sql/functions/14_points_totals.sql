-- The balance, the lapsed-but-unwritten points and the points earned in the tier window
-- (as points_state counts them), for the writers. Since lots are consumed in order of
-- expiry, the lapsed lots are consumed first: what is left of them is their sum less
-- everything consumed, and the balance is the rest of the ledger. Read from the running
-- totals (points_accounts): the ledger is read only for the lots that have lapsed by `at`
-- and, when asked for, the entries in the tier window. points_state, which also finds the
-- next expiry, gives the same figures.
CREATE OR REPLACE FUNCTION points_totals(t uuid, c bigint, at timestamptz, window_days integer)
RETURNS TABLE (balance bigint, lapsed bigint, earned_in_window bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH a AS (
        SELECT coalesce(sum(total), 0) AS total, coalesce(sum(used), 0) AS used
        FROM points_accounts WHERE tenant_id = t AND customer_id = c
    ), l AS (
        SELECT coalesce(sum(points), 0) AS lapsing
        FROM points_ledger
        WHERE tenant_id = t AND customer_id = c AND points > 0 AND expires_at IS NOT NULL
          AND expires_at <= at
    )
    SELECT (a.total - greatest(0, l.lapsing - a.used))::bigint,
           greatest(0, l.lapsing - a.used)::bigint,
           (SELECT greatest(0, coalesce(sum(CASE WHEN kind = 'earn' THEN points ELSE points - shortfall END), 0))
            FROM points_ledger
            WHERE tenant_id = t AND customer_id = c AND kind IN ('earn', 'refund')
              AND created_at > at - make_interval(days => window_days))::bigint
    FROM a, l;
END;
