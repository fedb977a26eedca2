-- Tiers granted to a customer by membership_purchased events running at `at`.
CREATE OR REPLACE FUNCTION points_granted(t uuid, c bigint, at timestamptz) RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT coalesce(array_agg(DISTINCT e.properties->>'tier'), '{}')
    FROM events e
    WHERE e.tenant_id = t AND e.customer_id = c AND e.type = 'membership_purchased'
      AND (e.properties->>'until')::timestamptz > at;
END;
