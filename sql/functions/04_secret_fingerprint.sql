-- The fingerprint the API shows for a secret (webhook signing secrets, identity
-- verification secrets): the first 12 hex digits of its SHA-256, enough to tell two
-- secrets apart while rotating, nothing to recover it from. Defined once, for every place
-- that shows one, which must agree (a secret's fingerprint when added and when listed).
CREATE OR REPLACE FUNCTION secret_fingerprint(secret text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN left(encode(sha256(convert_to(secret, 'UTF8')), 'hex'), 12);
COMMENT ON FUNCTION secret_fingerprint(text) IS 'The first 12 hex digits of a secret''s SHA-256, as the API shows it.';
