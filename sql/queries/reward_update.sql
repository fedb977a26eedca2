-- Replaces every field of reward $20 of tenant $1 ($2 … $19 as in reward_create.sql) when
-- it is still as the caller read it (updated_at = $21: a PATCH merged onto that reading);
-- refused: gone (no such reward), changed (changed meanwhile: read it again), tier (not a
-- tier of the programme in force), stock (below what it has issued; issued is the third
-- column).
WITH cur AS (
    SELECT * FROM rewards WHERE tenant_id = $1 AND id = $20 FOR UPDATE
), verdict AS (
    SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM cur) THEN 'gone'
                WHEN (SELECT updated_at FROM cur) <> $21::timestamptz THEN 'changed'
                WHEN $9::text IS NOT NULL AND program_tier_rank(program_current($1), $9) IS NULL
                    THEN 'tier'
                WHEN $12::integer < (SELECT issued FROM cur) THEN 'stock' END AS refused
), changed AS (
    UPDATE rewards AS x
    SET name = $2, points_cost = $3::bigint, kind = $4, amount = $5::numeric, currency = $6,
        percent = $7::numeric, description = coalesce($8, ''), tier = $9,
        starts_at = $10::timestamptz, ends_at = $11::timestamptz, stock = $12::integer,
        per_customer_limit = $13::integer, coupon_valid_days = $14::integer,
        refund_on_expiry = coalesce($15::boolean, false), codes = coalesce($16, 'generated'),
        code_prefix = coalesce($17, ''), code_length = coalesce($18::integer, 10),
        enabled = coalesce($19::boolean, true), updated_at = now()
    FROM verdict
    WHERE x.tenant_id = $1 AND x.id = $20 AND verdict.refused IS NULL
    RETURNING reward_json(x) AS json
)
SELECT (SELECT json FROM changed), (SELECT refused FROM verdict), (SELECT issued FROM cur)
