-- One page of the coupons issued to customer $2 (customers.id; $5 its external id) of
-- tenant $1, newest first; $3 is the cursor (last id seen) or NULL.
SELECT k.id, coupon_json(k, $5, r)
FROM coupons k
JOIN rewards r ON r.tenant_id = k.tenant_id AND r.id = k.reward_id
WHERE k.tenant_id = $1 AND k.customer_id = $2::bigint AND ($3::bigint IS NULL OR k.id < $3::bigint)
ORDER BY k.id DESC
LIMIT $4
