-- The secrets that may have signed a delivery to tenant $1 from its source of kind $2,
-- newest first, with the source's shop and whether it counts Shopify's test orders.
SELECT s.shop, k.secret, s.count_test_orders
FROM webhook_sources s
JOIN webhook_secrets k ON k.tenant_id = s.tenant_id AND k.source_id = s.id
WHERE s.tenant_id = $1 AND s.kind = $2
ORDER BY k.created_at DESC, k.id
LIMIT 2
