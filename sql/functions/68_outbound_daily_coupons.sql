-- coupon.expiring of the daily evaluation of tenant t: every issued coupon that expires
-- within `days` days from now and was not told yet, once per coupon (expiring_told_at).
-- data: the coupon as the API shows it. Nothing read unless an endpoint wants the type.
-- Returns the messages written.
CREATE OR REPLACE FUNCTION outbound_daily_coupons(t uuid, days integer)
RETURNS integer
LANGUAGE sql VOLATILE
BEGIN ATOMIC
    WITH due AS (
        UPDATE coupons k SET expiring_told_at = now()
        WHERE outbound_wants(t, 'coupon.expiring') AND k.tenant_id = t AND k.status = 'issued'
          AND k.expiring_told_at IS NULL AND k.expires_at > now()
          AND k.expires_at <= now() + make_interval(days => days)
        RETURNING k.*
    ), told AS (
        INSERT INTO outbound_messages (tenant_id, endpoint_id, type, customer_key, body)
        SELECT t, e.id, 'coupon.expiring', d.customer_id,
               outbound_body('coupon.expiring', now(),
                             to_jsonb(coupon_json(d::coupons, c.external_id, r)))
        FROM due d
        JOIN customers c ON c.tenant_id = t AND c.id = d.customer_id
        JOIN rewards r ON r.tenant_id = t AND r.id = d.reward_id
        CROSS JOIN LATERAL outbound_targets(t, 'coupon.expiring') AS e(id)
        ORDER BY d.customer_id, d.expires_at, d.id, e.id
        RETURNING 1
    )
    SELECT count(*)::integer FROM told;
END;
