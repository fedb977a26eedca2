-- A customer as the API shows it, defined once for every query that returns one.
CREATE OR REPLACE FUNCTION customer_json(c customers) RETURNS json
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN json_build_object(
        'external_id', c.external_id, 'email', c.email, 'name', c.name, 'phone', c.phone,
        'signup_at', rfc3339(c.signup_at), 'birthday', c.birthday::text,
        'attributes', c.attributes, 'tags', c.tags,
        'created_at', rfc3339(c.created_at), 'updated_at', rfc3339(c.updated_at));
COMMENT ON FUNCTION customer_json(customers) IS 'A customer as the API shows it.';
