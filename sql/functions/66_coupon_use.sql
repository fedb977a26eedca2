-- Marks coupon `code` of tenant t used for order order_ref, once: locks the coupon, checks
-- that it was issued (a pool code not issued yet is no coupon), to customer ext when one is
-- named, and that it has not expired. Using it again for the same order answers done again
-- (a checkout's retry), for another order used. outcome: done, repeated (already used for
-- this order), no_coupon, other_customer, used, expired; coupon: the coupon after (or as it
-- is, when refused), except for no_coupon.
CREATE OR REPLACE FUNCTION coupon_use(t uuid, code text, order_ref text, ext text)
RETURNS TABLE (outcome text, coupon json)
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    k coupons;
    r rewards;
    who text;
BEGIN
    SELECT * INTO k FROM coupons x WHERE x.tenant_id = t AND x.code = coupon_use.code
    FOR UPDATE;
    IF NOT FOUND OR k.status = 'available' THEN
        RETURN QUERY SELECT 'no_coupon', NULL::json;
        RETURN;
    END IF;
    SELECT * INTO r FROM rewards x WHERE x.tenant_id = t AND x.id = k.reward_id;
    SELECT cu.external_id INTO who FROM customers cu WHERE cu.tenant_id = t AND cu.id = k.customer_id;
    IF ext IS NOT NULL AND ext IS DISTINCT FROM who THEN
        RETURN QUERY SELECT 'other_customer', coupon_json(k, who, r);
        RETURN;
    END IF;
    IF k.status = 'used' THEN
        RETURN QUERY SELECT CASE WHEN k.order_id = order_ref THEN 'repeated' ELSE 'used' END,
                            coupon_json(k, who, r);
        RETURN;
    END IF;
    IF coupon_status(k) = 'expired' THEN
        RETURN QUERY SELECT 'expired', coupon_json(k, who, r);
        RETURN;
    END IF;
    UPDATE coupons x SET status = 'used', used_at = now(), order_id = order_ref
    WHERE x.tenant_id = t AND x.id = k.id
    RETURNING * INTO k;
    RETURN QUERY SELECT 'done', coupon_json(k, who, r);
END;
$$;
