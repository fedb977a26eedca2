-- Creates or updates a customer from a webhook and returns its id. c is {"id" (the
-- external id), "email", "name", "created_at", "updated_at"}. A customer topic
-- (authoritative) replaces email and name unless an update with a later updated_at was
-- applied already; a customer seen inside an order only fills what is still empty.
CREATE OR REPLACE FUNCTION webhook_customer(t uuid, c jsonb, authoritative boolean) RETURNS bigint
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    cid bigint;
    version timestamptz := (c->>'updated_at')::timestamptz;
    applied timestamptz;
BEGIN
    INSERT INTO customers (tenant_id, external_id, email, name, signup_at)
    VALUES (t, c->>'id', c->>'email', c->>'name', (c->>'created_at')::timestamptz)
    ON CONFLICT (tenant_id, external_id) DO NOTHING
    RETURNING id INTO cid;
    IF cid IS NULL THEN
        SELECT cu.id INTO cid FROM customers cu
        WHERE cu.tenant_id = t AND cu.external_id = c->>'id' FOR NO KEY UPDATE;
        SELECT w.version_at INTO applied FROM webhook_customers w
        WHERE w.tenant_id = t AND w.customer_id = cid;
        IF authoritative AND (version IS NULL OR applied IS NULL OR version >= applied) THEN
            UPDATE customers SET email = c->>'email', name = c->>'name',
                   signup_at = coalesce(signup_at, (c->>'created_at')::timestamptz),
                   updated_at = now()
            WHERE tenant_id = t AND id = cid;
        ELSIF NOT authoritative THEN
            UPDATE customers SET email = coalesce(email, c->>'email'),
                   name = coalesce(name, c->>'name'),
                   signup_at = coalesce(signup_at, (c->>'created_at')::timestamptz)
            WHERE tenant_id = t AND id = cid
              AND (email IS NULL OR name IS NULL OR signup_at IS NULL);
        END IF;
    END IF;
    IF authoritative AND version IS NOT NULL THEN
        INSERT INTO webhook_customers AS w (tenant_id, customer_id, version_at)
        VALUES (t, cid, version)
        ON CONFLICT (tenant_id, customer_id) DO UPDATE
        SET version_at = greatest(w.version_at, EXCLUDED.version_at);
    END IF;
    RETURN cid;
END;
$$;
