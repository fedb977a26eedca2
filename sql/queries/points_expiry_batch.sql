-- One batch of the expiry task: customers of any tenant with a lot that lapsed after their
-- watermark, locked so that other loyaltyd processes take other customers (SKIP LOCKED).
SELECT tenant_id, customer_id FROM points_expiry_due($1)
