-- The events of coupons (triggers outbound_coupons_insert and _update on coupons, once per
-- statement), recorded in outbound_events in the coupon's transaction when an enabled
-- endpoint of the tenant wants the type: reward.redeemed when a coupon is issued (a new
-- coupon, or a pool code taken), coupon.used when an issued coupon is used. data is the
-- coupon as the API shows it (coupon_json), with the customer's external id.
CREATE OR REPLACE FUNCTION outbound_coupons() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT outbound_wanted(ARRAY(SELECT DISTINCT a.tenant_id FROM after a)) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO outbound_events (tenant_id, type, customer_key, body)
        SELECT a.tenant_id, 'reward.redeemed', a.customer_id,
               outbound_body('reward.redeemed', a.issued_at,
                             to_jsonb(coupon_json(a::coupons, cu.external_id, r)))
        FROM after a
        JOIN customers cu ON cu.tenant_id = a.tenant_id AND cu.id = a.customer_id
        JOIN rewards r ON r.tenant_id = a.tenant_id AND r.id = a.reward_id
        WHERE a.status = 'issued' AND outbound_wants(a.tenant_id, 'reward.redeemed')
        ORDER BY a.id;
    ELSE
        INSERT INTO outbound_events (tenant_id, type, customer_key, body)
        SELECT a.tenant_id, k.type, a.customer_id,
               outbound_body(k.type, k.at, to_jsonb(coupon_json(a::coupons, cu.external_id, r)))
        FROM after a
        JOIN before b ON b.tenant_id = a.tenant_id AND b.id = a.id
        CROSS JOIN LATERAL (
            SELECT CASE WHEN b.status = 'available' AND a.status = 'issued' THEN 'reward.redeemed'
                        WHEN b.status = 'issued' AND a.status = 'used' THEN 'coupon.used' END AS type,
                   CASE WHEN a.status = 'used' THEN a.used_at ELSE a.issued_at END AS at) k
        JOIN customers cu ON cu.tenant_id = a.tenant_id AND cu.id = a.customer_id
        JOIN rewards r ON r.tenant_id = a.tenant_id AND r.id = a.reward_id
        WHERE k.type IS NOT NULL AND outbound_wants(a.tenant_id, k.type)
        ORDER BY a.id;
    END IF;
    RETURN NULL;
END;
$$;
