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

-- points_state now counts the tier window net of refunds. It, and the functions this
-- migration introduced, are defined in sql/functions/ (re-created after the migrations on
-- every migrate):
--   13_points_state.sql
--   14_points_totals.sql
--   17_points_write_lapsed.sql
--   16_points_entry_json.sql
--   18_points_change.sql
--   11_program_tier.sql
--   12_program_round.sql
--   19_points_granted.sql
--   20_points_append.sql
--   21_points_ingest.sql
