-- Per-customer order figures kept at ingest, so that reports over a whole history (RFM, CLV,
-- segments, cohorts) read one row per customer instead of every order event.
CREATE TABLE customer_rollups (
    tenant_id      uuid NOT NULL,
    customer_id    bigint NOT NULL,
    first_order_at timestamptz,
    last_order_at  timestamptz,
    orders         bigint NOT NULL DEFAULT 0 CHECK (orders >= 0),
    order_amount   numeric NOT NULL DEFAULT 0,
    refunded       numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, customer_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE customer_rollups IS 'Per customer: first and last order, number of orders, the sum of order amounts and of refund amounts (net = order_amount - refunded); written by the ingest statement with the events.';
-- Customers by first order (cohorts, new customers).
CREATE INDEX customer_rollups_first ON customer_rollups (tenant_id, first_order_at);

INSERT INTO customer_rollups (tenant_id, customer_id, first_order_at, last_order_at, orders,
                              order_amount, refunded)
SELECT tenant_id, customer_id,
       min(occurred_at) FILTER (WHERE type = 'order'),
       max(occurred_at) FILTER (WHERE type = 'order'),
       count(*) FILTER (WHERE type = 'order'),
       coalesce(sum(amount) FILTER (WHERE type = 'order'), 0),
       coalesce(sum(amount) FILTER (WHERE type = 'refund'), 0)
FROM events
WHERE type IN ('order', 'refund')
GROUP BY tenant_id, customer_id;
