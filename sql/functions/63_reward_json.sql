-- A money amount as the API writes it (server/domain/money.c, money_format): 2 to 4
-- decimals, trailing zeros past the second dropped ("5.00", "3.75", "0.125").
CREATE OR REPLACE FUNCTION money_text(n numeric) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN n IS NULL THEN NULL
                WHEN scale(trim_scale(n)) <= 2 THEN round(n, 2)::text
                ELSE trim_scale(n)::text END;

-- A reward as the API shows it, with what it has issued: issued and used coupons, what
-- stock is left (null: no limit) and, for a pool reward, the codes still available.
CREATE OR REPLACE FUNCTION reward_json(r rewards) RETURNS json
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN json_build_object(
        'id', r.id, 'name', r.name, 'points_cost', r.points_cost, 'kind', r.kind,
        'amount', money_text(r.amount), 'currency', r.currency, 'percent', money_text(r.percent),
        'description', r.description, 'tier', r.tier,
        'starts_at', rfc3339(r.starts_at), 'ends_at', rfc3339(r.ends_at),
        'stock', r.stock, 'issued', r.issued,
        'remaining', CASE WHEN r.stock IS NOT NULL THEN r.stock - r.issued END,
        'used', (SELECT count(*) FROM coupons c
                 WHERE c.tenant_id = r.tenant_id AND c.reward_id = r.id AND c.status = 'used'),
        'per_customer_limit', r.per_customer_limit, 'coupon_valid_days', r.coupon_valid_days,
        'refund_on_expiry', r.refund_on_expiry, 'codes', r.codes, 'code_prefix', r.code_prefix,
        'code_length', r.code_length,
        'pool_available', CASE WHEN r.codes = 'pool' THEN
                              (SELECT count(*) FROM coupons c
                               WHERE c.tenant_id = r.tenant_id AND c.reward_id = r.id
                                 AND c.status = 'available') END,
        'enabled', r.enabled,
        'created_at', rfc3339(r.created_at), 'updated_at', rfc3339(r.updated_at));

-- A coupon's status now: an issued coupon past its expiry is expired, whether or not the
-- expiry job has written it off yet.
CREATE OR REPLACE FUNCTION coupon_status(c coupons) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN CASE WHEN c.status = 'issued' AND c.expires_at <= now() THEN 'expired' ELSE c.status END;

-- A coupon as the API shows it: its code and status, the customer (external id) it was
-- issued to, and what the reward gives, so that a checkout needs no second call.
CREATE OR REPLACE FUNCTION coupon_json(c coupons, customer text, r rewards) RETURNS json
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN json_build_object(
        'code', c.code, 'reward_id', c.reward_id, 'status', coupon_status(c),
        'customer_id', customer, 'points', c.points,
        'issued_at', rfc3339(c.issued_at), 'expires_at', rfc3339(c.expires_at),
        'used_at', rfc3339(c.used_at), 'order_id', c.order_id,
        'expired_at', rfc3339(coalesce(c.expired_at,
                                       CASE WHEN coupon_status(c) = 'expired' THEN c.expires_at END)),
        'points_returned', c.refund_entry_id IS NOT NULL,
        'reward', json_build_object('name', r.name, 'kind', r.kind, 'amount', money_text(r.amount),
                                    'currency', r.currency, 'percent', money_text(r.percent),
                                    'description', r.description));
