-- Keeps points_accounts (the running totals of each customer's ledger) as entries are
-- appended: the statement-level trigger points_accounts_add on points_ledger (migration
-- 0011) runs it once per INSERT, so a bulk append updates each account once.
CREATE OR REPLACE FUNCTION points_accounts_add() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO points_accounts AS a (tenant_id, customer_id, total, used)
    SELECT tenant_id, customer_id, sum(points), coalesce(-sum(points) FILTER (WHERE points < 0), 0)
    FROM added
    GROUP BY tenant_id, customer_id
    ON CONFLICT (tenant_id, customer_id)
    DO UPDATE SET total = a.total + EXCLUDED.total, used = a.used + EXCLUDED.used;
    RETURN NULL;
END;
$$;
