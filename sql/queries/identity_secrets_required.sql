-- The secrets that may have made a customer_hash for tenant $1, when it requires
-- identity verification; no row when it does not.
SELECT k.secret
FROM identity_settings s
JOIN identity_secrets k ON k.tenant_id = s.tenant_id
WHERE s.tenant_id = $1 AND s.required
