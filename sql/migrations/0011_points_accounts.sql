-- Running totals of each customer's ledger, so that a write reads a balance in constant
-- time instead of summing the whole ledger (bench/RESULTS.md: the cost of a write grew with
-- the customer's history).

CREATE TABLE points_accounts (
    tenant_id   uuid NOT NULL,
    customer_id bigint NOT NULL,
    total       bigint NOT NULL DEFAULT 0,
    used        bigint NOT NULL DEFAULT 0 CHECK (used >= 0),
    PRIMARY KEY (tenant_id, customer_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE points_accounts IS 'Per customer: total = the sum of the ledger, used = minus the sum of its negative entries; kept by a trigger on every insert into points_ledger (append-only).';

INSERT INTO points_accounts (tenant_id, customer_id, total, used)
SELECT tenant_id, customer_id, sum(points), coalesce(-sum(points) FILTER (WHERE points < 0), 0)
FROM points_ledger GROUP BY tenant_id, customer_id;

CREATE FUNCTION points_accounts_add() RETURNS trigger
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
-- One statement-level trigger: a bulk append (points_ingest) updates each account once.
CREATE TRIGGER points_accounts_add AFTER INSERT ON points_ledger
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION points_accounts_add();

-- A customer's lots that have lapsed, found without reading the rest of the ledger.
CREATE INDEX points_ledger_customer_lapse ON points_ledger (tenant_id, customer_id, expires_at)
    INCLUDE (points) WHERE points > 0 AND expires_at IS NOT NULL;

-- As before (0009), from the running totals: the ledger is read only for the lots that
-- have lapsed by `at` and, when asked for, the entries in the tier window.
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
