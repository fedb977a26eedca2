-- Outbound events (Standard Webhooks): the endpoints a tenant registers, their signing
-- secrets, and the outbox of messages, one per event and endpoint, written in the
-- transaction of the change that causes the event (triggers of sql/functions/4x_outbound_*)
-- and delivered by the dispatcher (server/jobs/outbound.c).

CREATE TABLE event_endpoints (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    url             text NOT NULL CHECK (length(url) BETWEEN 8 AND 2048),
    event_types     text[] CHECK (event_types IS NULL OR cardinality(event_types) BETWEEN 1 AND 32),
    enabled         boolean NOT NULL DEFAULT true,
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    disabled_reason text CHECK (length(disabled_reason) <= 500),
    failing_since   timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE event_endpoints IS 'Where a tenant''s outbound events go: an https URL (http only with LOYALTYD_OUTBOUND_ALLOW_PRIVATE=1) and the event types it wants.';
COMMENT ON COLUMN event_endpoints.event_types IS 'The types it receives; NULL: every type.';
COMMENT ON COLUMN event_endpoints.disabled_reason IS 'Why loyaltyd disabled it (failing for days), in words; NULL when enabled or disabled by the tenant.';
COMMENT ON COLUMN event_endpoints.failing_since IS 'The first failed attempt since its last success; NULL while it succeeds.';

CREATE TABLE event_endpoint_secrets (
    tenant_id   uuid NOT NULL,
    endpoint_id uuid NOT NULL,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    secret      text NOT NULL CHECK (secret LIKE 'whsec\_%' AND length(secret) BETWEEN 38 AND 100),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES event_endpoints (tenant_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE event_endpoint_secrets IS 'Signing secrets of an endpoint: the current one (expires_at NULL) and, while a rotation overlaps, the former one until expires_at; every live secret signs each delivery.';
COMMENT ON COLUMN event_endpoint_secrets.secret IS 'whsec_ + base64 of 24 to 64 random bytes (Standard Webhooks); needed in clear to sign, shown once.';
CREATE INDEX event_endpoint_secrets_endpoint ON event_endpoint_secrets (tenant_id, endpoint_id, created_at);

CREATE TABLE outbound_messages (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       uuid NOT NULL,
    endpoint_id     uuid NOT NULL,
    type            text NOT NULL,
    customer_key    bigint,
    body            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    leased_until    timestamptz,
    last_attempt_at timestamptz,
    last_status     integer,
    last_error      text,
    delivered_at    timestamptz,
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES event_endpoints (tenant_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE outbound_messages IS 'The outbox: one event for one endpoint. Its webhook-id is msg_<id>; body is the JSON sent, exactly as signed.';
COMMENT ON COLUMN outbound_messages.customer_key IS 'customers.id of the customer the event is about: messages of one customer to one endpoint go in id order. NULL: not about a customer (an anonymous answer, a test).';
COMMENT ON COLUMN outbound_messages.leased_until IS 'Set by the dispatcher that claimed the attempt: no other claims it before then (a dispatcher that died mid-delivery loses its lease).';
COMMENT ON COLUMN outbound_messages.last_error IS 'The last failure in words (timeout, refused address, HTTP 500 …).';
CREATE INDEX outbound_messages_due ON outbound_messages (next_attempt_at, id)
    WHERE status = 'pending';
CREATE INDEX outbound_messages_order ON outbound_messages (endpoint_id, customer_key, id)
    WHERE status = 'pending';
CREATE INDEX outbound_messages_leased ON outbound_messages (endpoint_id)
    WHERE status = 'pending' AND leased_until IS NOT NULL;
CREATE INDEX outbound_messages_endpoint ON outbound_messages (tenant_id, endpoint_id, id);
CREATE INDEX outbound_messages_settled ON outbound_messages (created_at) WHERE status <> 'pending';
CREATE INDEX outbound_messages_customer ON outbound_messages (tenant_id, customer_key)
    WHERE customer_key IS NOT NULL;

CREATE TABLE outbound_settings (
    tenant_id     uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    tz            text NOT NULL DEFAULT 'UTC' CHECK (length(tz) BETWEEN 1 AND 64),
    run_at        time NOT NULL DEFAULT '06:00',
    expiring_days integer NOT NULL DEFAULT 7 CHECK (expiring_days BETWEEN 1 AND 365),
    last_run_on   date,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE outbound_settings IS 'When the daily evaluation of a tenant runs (run_at in tz: segment entries, tier changes by time, points expiring within expiring_days), and the local day it last ran. No row: the defaults.';

CREATE TABLE outbound_segment_members (
    tenant_id   uuid NOT NULL,
    segment     text NOT NULL,
    customer_id bigint NOT NULL,
    entered_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, segment, customer_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE outbound_segment_members IS 'Who was in lapsed, due_for_reorder, anniversaries and at_risk at the last daily evaluation: one customer.entered_segment per entry; a customer who leaves and comes back enters again.';

CREATE TABLE outbound_tiers (
    tenant_id   uuid NOT NULL,
    customer_id bigint NOT NULL,
    tier        text,
    since       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, customer_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE outbound_tiers IS 'The tier last told (tier.changed): a change is an event, the first sight of a customer is not.';

CREATE TABLE outbound_expiring_sent (
    tenant_id   uuid NOT NULL,
    entry_id    bigint NOT NULL,
    sent_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, entry_id)
);
COMMENT ON TABLE outbound_expiring_sent IS 'The earned lots points.expiring was sent for: once per lot.';

-- Row-level security, as for every table with a tenant_id (0018_row_level_security.sql).
ALTER TABLE event_endpoints ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON event_endpoints USING (tenant_id = loyaltyd_tenant())
    WITH CHECK (tenant_id = loyaltyd_tenant());
ALTER TABLE event_endpoint_secrets ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON event_endpoint_secrets USING (tenant_id = loyaltyd_tenant())
    WITH CHECK (tenant_id = loyaltyd_tenant());
ALTER TABLE outbound_messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outbound_messages USING (tenant_id = loyaltyd_tenant())
    WITH CHECK (tenant_id = loyaltyd_tenant());
ALTER TABLE outbound_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outbound_settings USING (tenant_id = loyaltyd_tenant())
    WITH CHECK (tenant_id = loyaltyd_tenant());
ALTER TABLE outbound_segment_members ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outbound_segment_members USING (tenant_id = loyaltyd_tenant())
    WITH CHECK (tenant_id = loyaltyd_tenant());
ALTER TABLE outbound_tiers ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outbound_tiers USING (tenant_id = loyaltyd_tenant())
    WITH CHECK (tenant_id = loyaltyd_tenant());
ALTER TABLE outbound_expiring_sent ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outbound_expiring_sent USING (tenant_id = loyaltyd_tenant())
    WITH CHECK (tenant_id = loyaltyd_tenant());

-- The triggers' functions are in sql/functions/ (re-created after the migrations on every
-- migrate); on a new database the triggers come first, so they name placeholders.
CREATE FUNCTION outbound_points() RETURNS trigger LANGUAGE plpgsql
AS $$ BEGIN RAISE EXCEPTION 'placeholder: see sql/functions/42_outbound_points.sql'; END $$;
CREATE FUNCTION outbound_answers() RETURNS trigger LANGUAGE plpgsql
AS $$ BEGIN RAISE EXCEPTION 'placeholder: see sql/functions/43_outbound_answers.sql'; END $$;
CREATE FUNCTION outbound_erased() RETURNS trigger LANGUAGE plpgsql
AS $$ BEGIN RAISE EXCEPTION 'placeholder: see sql/functions/44_outbound_erased.sql'; END $$;
CREATE TRIGGER outbound_points AFTER INSERT ON points_ledger
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION outbound_points();
CREATE TRIGGER outbound_answers AFTER INSERT ON survey_responses
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION outbound_answers();
CREATE TRIGGER outbound_erased AFTER DELETE ON customers
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION outbound_erased();

GRANT SELECT, INSERT, UPDATE, DELETE ON event_endpoints, event_endpoint_secrets, outbound_messages,
    outbound_settings, outbound_segment_members, outbound_tiers, outbound_expiring_sent
    TO loyaltyd_app;

-- What the dispatcher does across tenants (claim due attempts, settle them, prune, the lag)
-- are SECURITY DEFINER functions in sql/functions/45_outbound_claim.sql to
-- 48_outbound_lag.sql.
