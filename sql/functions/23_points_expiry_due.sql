-- One batch of the expiry task (as points_expiry_batch did): customers of any tenant with
-- a lot that lapsed after their watermark, locked so that other loyaltyd processes take
-- others; the task then works on each under its own tenant.
CREATE OR REPLACE FUNCTION points_expiry_due(batch integer)
RETURNS TABLE (tenant_id uuid, customer_id bigint)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
BEGIN ATOMIC
    SELECT c.tenant_id, c.id
    FROM customers c
    WHERE (c.tenant_id, c.id) IN (
        SELECT l.tenant_id, l.customer_id
        FROM points_ledger l
        LEFT JOIN points_expiry_watermark w
               ON w.tenant_id = l.tenant_id AND w.customer_id = l.customer_id
        WHERE l.expires_at IS NOT NULL AND l.expires_at <= now()
          AND (w.through IS NULL OR l.expires_at > w.through)
        LIMIT batch)
    FOR NO KEY UPDATE OF c SKIP LOCKED;
END;
REVOKE ALL ON FUNCTION points_expiry_due(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION points_expiry_due(integer) TO loyaltyd_app;
