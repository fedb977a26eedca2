-- Writes off up to max_coupons issued coupons past their expiry, across tenants (the
-- expiry task; SKIP LOCKED: several loyaltyd processes share the work, and a coupon being
-- used at this moment is left for the next pass): each becomes expired (expired_at: when
-- it expired), and when its reward says refund_on_expiry its points go back to the
-- customer as a 'return' entry (a new lot, lapsing after the programme's expiry_days,
-- reason "coupon expired unused", reference "coupon:<code>"), named by refund_entry_id.
-- Returns the coupons written off.
CREATE OR REPLACE FUNCTION coupons_expire(max_coupons integer) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    k record;
    n integer := 0;
    entry bigint;
    cfg jsonb;
    ver integer;
BEGIN
    FOR k IN SELECT c.tenant_id, c.id, c.customer_id, c.points, c.code, c.expires_at,
                    r.refund_on_expiry
             FROM coupons c JOIN rewards r ON r.tenant_id = c.tenant_id AND r.id = c.reward_id
             WHERE c.status = 'issued' AND c.expires_at <= now()
             ORDER BY c.expires_at, c.id
             LIMIT max_coupons
             FOR UPDATE OF c SKIP LOCKED LOOP
        entry := NULL;
        IF k.refund_on_expiry THEN
            PERFORM 1 FROM customers cu WHERE cu.tenant_id = k.tenant_id AND cu.id = k.customer_id
            FOR NO KEY UPDATE;
            SELECT p.config, p.version INTO cfg, ver
            FROM loyalty_programs p WHERE p.tenant_id = k.tenant_id ORDER BY p.version DESC LIMIT 1;
            INSERT INTO points_ledger (tenant_id, customer_id, kind, points, reason, reference,
                                       program_version, expires_at)
            VALUES (k.tenant_id, k.customer_id, 'return', k.points, 'coupon expired unused',
                    'coupon:' || k.code, ver,
                    now() + make_interval(days => (cfg->>'expiry_days')::integer))
            RETURNING id INTO entry;
        END IF;
        UPDATE coupons c SET status = 'expired', expired_at = k.expires_at, refund_entry_id = entry
        WHERE c.tenant_id = k.tenant_id AND c.id = k.id;
        n := n + 1;
    END LOOP;
    RETURN n;
END;
$$;
REVOKE ALL ON FUNCTION coupons_expire(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION coupons_expire(integer) TO loyaltyd_app;
