-- Customers and their events: what every report is computed from.

-- Defined in sql/functions/ (re-created after the migrations on every migrate):
--   01_rfc3339.sql

CREATE TABLE customers (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    external_id text COLLATE "C" NOT NULL CHECK (length(external_id) BETWEEN 1 AND 128),
    email       text CHECK (length(email) <= 254),
    name        text CHECK (length(name) <= 200),
    phone       text CHECK (length(phone) <= 32),
    signup_at   timestamptz,
    birthday    date,
    attributes  jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
    tags        text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 64),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, external_id)
);
COMMENT ON TABLE customers IS 'A shop''s customer, addressed by the shop''s own id; created by PUT or on the first event that names it.';
COMMENT ON COLUMN customers.id IS 'Internal surrogate: compact key for events and the list cursor; never shown.';
COMMENT ON COLUMN customers.external_id IS 'The shop''s id of the customer (1-128 characters, any Unicode), compared bytewise.';
COMMENT ON COLUMN customers.attributes IS 'Free-form JSON object from the shop (at most 16 KiB).';
CREATE INDEX customers_email ON customers (tenant_id, lower(email)) WHERE email IS NOT NULL;
CREATE INDEX customers_created ON customers (tenant_id, created_at);
CREATE INDEX customers_tags ON customers USING gin (tags);

CREATE TABLE events (
    tenant_id   uuid NOT NULL,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    customer_id bigint NOT NULL,
    client_id   text COLLATE "C" CHECK (length(client_id) BETWEEN 1 AND 128),
    type        text COLLATE "C" NOT NULL CHECK (type ~ '^[a-z][a-z0-9_]{0,63}$'),
    occurred_at timestamptz NOT NULL
                CHECK (occurred_at >= '1970-01-01T00:00:00Z' AND occurred_at < '2101-01-01T00:00:00Z'),
    amount      numeric CHECK (amount >= 0),
    currency    char(3) CHECK (currency ~ '^[A-Z]{3}$'),
    order_id    text CHECK (length(order_id) BETWEEN 1 AND 128),
    properties  jsonb CHECK (properties IS NULL OR jsonb_typeof(properties) = 'object'),
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE,
    CHECK ((type NOT IN ('order', 'refund')) OR (amount IS NOT NULL AND currency IS NOT NULL)),
    CHECK (type <> 'refund' OR order_id IS NOT NULL)
);
COMMENT ON TABLE events IS 'Append-only customer events (orders, refunds, visits, reviews, referrals, custom types).';
COMMENT ON COLUMN events.client_id IS 'The client''s id of the event; an event with a known client id is stored once per tenant.';
COMMENT ON COLUMN events.amount IS 'Money as exact decimal, with currency; required for order and refund.';
COMMENT ON COLUMN events.order_id IS 'The shop''s order id; a refund names the order it refunds.';
COMMENT ON COLUMN events.received_at IS 'When loyaltyd stored the event (occurred_at is when it happened).';

-- Deduplication of client ids (a repeat is counted as duplicate, never an error).
CREATE UNIQUE INDEX events_client_id ON events (tenant_id, client_id) WHERE client_id IS NOT NULL;
-- A customer's history in time order (lists, export, recency, CLV per customer).
CREATE INDEX events_customer_time ON events (tenant_id, customer_id, occurred_at, id);
-- Reports over one type in a time range (orders for retention, cohorts, RFM), index-only.
CREATE INDEX events_type_time ON events (tenant_id, type, occurred_at) INCLUDE (customer_id, amount);
-- Refunds find their order.
CREATE INDEX events_order ON events (tenant_id, order_id) WHERE order_id IS NOT NULL;

-- Defined in sql/functions/ (re-created after the migrations on every migrate):
--   06_customer_json.sql
--   07_event_json.sql
