-- One batch of the expiry task: customers with a lot that lapsed after their watermark,
-- locked so that other loyaltyd processes take other customers (SKIP LOCKED).
SELECT c.tenant_id, c.id
FROM customers c
WHERE (c.tenant_id, c.id) IN (
    SELECT l.tenant_id, l.customer_id
    FROM points_ledger l
    LEFT JOIN points_expiry_watermark w ON w.tenant_id = l.tenant_id AND w.customer_id = l.customer_id
    WHERE l.expires_at IS NOT NULL AND l.expires_at <= now()
      AND (w.through IS NULL OR l.expires_at > w.through)
    LIMIT $1)
FOR NO KEY UPDATE OF c SKIP LOCKED
