-- The points ledger: append-only; a balance is a sum over it.
CREATE TABLE points_ledger (
    tenant_id       uuid NOT NULL,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    customer_id     bigint NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('earn', 'redeem', 'adjust', 'expire', 'refund')),
    points          bigint NOT NULL CHECK (points <> 0),
    reason          text CHECK (length(reason) <= 200),
    reference       text CHECK (length(reference) <= 128),
    program_version integer,
    expires_at      timestamptz CHECK (expires_at IS NULL OR points > 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE points_ledger IS 'Append-only points ledger; a positive entry is a lot that may expire, negative entries consume lots first to expire first.';
COMMENT ON COLUMN points_ledger.kind IS 'earn, redeem, adjust (admin), expire (lapsed lots, written before any other write), refund (points taken back).';
COMMENT ON COLUMN points_ledger.program_version IS 'The programme version in force when the entry was written: its rules stay with the points.';
COMMENT ON COLUMN points_ledger.expires_at IS 'When the lot lapses (earned + expiry_days); null: never.';
CREATE INDEX points_ledger_customer ON points_ledger (tenant_id, customer_id, id);

-- Defined in sql/functions/ (re-created after the migrations on every migrate):
--   13_points_state.sql
