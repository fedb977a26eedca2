-- Where the background expiry task has got to, per customer.
CREATE TABLE points_expiry_watermark (
    tenant_id   uuid NOT NULL,
    customer_id bigint NOT NULL,
    through     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, customer_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE points_expiry_watermark IS 'Lots lapsing up to through have been written off for this customer (by the expiry task or a write).';
-- Lots by when they lapse: the expiry task finds the customers to visit.
CREATE INDEX points_ledger_lapse ON points_ledger (expires_at) INCLUDE (tenant_id, customer_id)
    WHERE expires_at IS NOT NULL;
