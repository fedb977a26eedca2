-- One page of the codes of reward $2 of tenant $1 (with $5 only those of that status),
-- oldest first; $3 the cursor (last id seen) or NULL. Columns: id, the code as JSON.
SELECT k.id, json_build_object('code', k.code, 'status', coupon_status(k),
                               'issued_at', rfc3339(k.issued_at))
FROM coupons k
WHERE k.tenant_id = $1 AND k.reward_id = $2 AND ($3::bigint IS NULL OR k.id > $3::bigint)
  AND ($5::text IS NULL OR coupon_status(k) = $5)
ORDER BY k.id
LIMIT $4
