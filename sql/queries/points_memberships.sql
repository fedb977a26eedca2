-- Tiers granted by membership_purchased events still running (properties validated at
-- ingest: tier a name, until an RFC 3339 time).
SELECT coalesce(json_agg(DISTINCT e.properties->>'tier'), '[]')
FROM events e
WHERE e.tenant_id = $1 AND e.customer_id = $2::bigint AND e.type = 'membership_purchased'
  AND (e.properties->>'until')::timestamptz > now()
