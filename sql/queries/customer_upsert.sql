-- PUT /v1/customers/{external_id}: create, or replace every field the shop manages.
INSERT INTO customers AS c (tenant_id, external_id, email, name, phone, signup_at, birthday,
                            attributes, tags)
VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7::date, coalesce($8::jsonb, '{}'),
        coalesce($9::text[], '{}'))
ON CONFLICT (tenant_id, external_id) DO UPDATE
SET email = EXCLUDED.email, name = EXCLUDED.name, phone = EXCLUDED.phone,
    signup_at = EXCLUDED.signup_at, birthday = EXCLUDED.birthday,
    attributes = EXCLUDED.attributes, tags = EXCLUDED.tags, updated_at = now()
RETURNING (xmax = 0) AS created, customer_json(c)
