-- Coupon $2 (upper case) of tenant $1 as the API shows it; a pool code not issued yet is
-- no coupon (no row).
SELECT coupon_json(k, cu.external_id, r)
FROM coupons k
JOIN rewards r ON r.tenant_id = k.tenant_id AND r.id = k.reward_id
LEFT JOIN customers cu ON cu.tenant_id = k.tenant_id AND cu.id = k.customer_id
WHERE k.tenant_id = $1 AND k.code = $2 AND k.status <> 'available'
