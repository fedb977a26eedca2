-- The outbox becomes two steps, so that ingest pays for one narrow row per event rather
-- than one wide, five-times-indexed row per event and endpoint plus a tier computation per
-- customer (bench/RESULTS.md, "Outbound events": a 1,000-order batch to a tenant with two
-- endpoints cost 0.24 s against 0.18 s without).
--
-- outbound_events: written by the ingest triggers (ledger entries, survey answers,
-- erasures) in the transaction of the change, one row per event, only its primary key.
-- The fan-out (sql/functions/52_outbound_fan_out.sql, called by every claim of the
-- dispatcher, by the daily evaluation and before a message list is read) turns the rows,
-- oldest first and one fan-out at a time, into outbound_messages rows for the endpoints
-- that want them, tells the tier changes of the customers whose points in the tier window
-- moved, and deletes the rows. tier.changed is no longer computed by a trigger in the
-- ingest transaction: the fan-out tells it, under the same lock as the daily evaluation.
CREATE TABLE outbound_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid NOT NULL,
    type        text,
    customer_key bigint,
    entry_id    bigint,
    tier_check  boolean NOT NULL DEFAULT false,
    body        text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (type IS NULL OR body IS NOT NULL OR entry_id IS NOT NULL),
    CHECK (type IS NOT NULL OR tier_check)
);
COMMENT ON TABLE outbound_events IS 'Events recorded with the change that caused them and not yet fanned out to outbound_messages (sql/functions/52_outbound_fan_out.sql); a row lives until the next fan-out, usually well under a second.';
COMMENT ON COLUMN outbound_events.type IS 'The event type, sent to every enabled endpoint that wants it. NULL: nothing to send; the row only asks the fan-out to look at the tier of customer_key (a refund).';
COMMENT ON COLUMN outbound_events.customer_key IS 'customers.id of the customer the event is about (copied to outbound_messages.customer_key); NULL for customer.erased, whose customer is gone.';
COMMENT ON COLUMN outbound_events.entry_id IS 'The ledger entry a points event is about: its body is rendered from the entry (which never changes) by the fan-out, so that ingest writes no JSON.';
COMMENT ON COLUMN outbound_events.tier_check IS 'The entry (an earn or a refund) moved the customer''s points in the tier window: the fan-out tells a tier change it made.';
COMMENT ON COLUMN outbound_events.created_at IS 'When the event was recorded (its transaction''s time; a points entry may be dated earlier, from its order): an endpoint created later does not get it. Copied to outbound_messages.created_at.';
COMMENT ON COLUMN outbound_events.body IS 'The body each endpoint will be sent, exactly as signed; NULL when rendered from entry_id.';

ALTER TABLE outbound_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outbound_events USING (tenant_id = loyaltyd_tenant())
    WITH CHECK (tenant_id = loyaltyd_tenant());
GRANT SELECT, INSERT, DELETE ON outbound_events TO loyaltyd_app;

DROP TRIGGER outbound_tier_changes ON points_ledger;
DROP FUNCTION outbound_tier_changes();
