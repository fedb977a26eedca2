-- Active keys whose clear prefix matches (before the caller's tenant is known); the
-- caller compares the hashes in constant time.
CREATE OR REPLACE FUNCTION key_lookup(prefix text)
RETURNS TABLE (id uuid, tenant_id uuid, key_hash text, scopes text[])
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
BEGIN ATOMIC
    SELECT k.id, k.tenant_id, encode(k.key_hash, 'hex'), k.scopes
    FROM api_keys k
    WHERE k.key_prefix = prefix AND k.revoked_at IS NULL
    LIMIT 4;
END;
REVOKE ALL ON FUNCTION key_lookup(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION key_lookup(text) TO loyaltyd_app;
