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

-- The trigger's function is sql/functions/15_points_accounts_add.sql, which migrate applies
-- after the migrations in the same transaction; on a new database the trigger is created
-- first, so it needs a placeholder to name (never run: it is replaced before commit).
CREATE FUNCTION points_accounts_add() RETURNS trigger
LANGUAGE plpgsql
AS $$ BEGIN RAISE EXCEPTION 'placeholder: see sql/functions/15_points_accounts_add.sql'; END $$;
-- One statement-level trigger: a bulk append (points_ingest) updates each account once.
CREATE TRIGGER points_accounts_add AFTER INSERT ON points_ledger
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION points_accounts_add();

-- A customer's lots that have lapsed, found without reading the rest of the ledger.
CREATE INDEX points_ledger_customer_lapse ON points_ledger (tenant_id, customer_id, expires_at)
    INCLUDE (points) WHERE points > 0 AND expires_at IS NOT NULL;

-- points_totals now reads the running totals: sql/functions/14_points_totals.sql (re-created
-- after the migrations on every migrate).
