-- Adds a reward to the catalogue of tenant $1 ($2 name … $19 enabled, NULL: the default),
-- unless the tenant has 1,000 rewards already (refused: full) or $9 names a tier the
-- programme in force does not have (refused: tier); then no reward is made.
WITH verdict AS (
    SELECT CASE WHEN (SELECT count(*) FROM rewards WHERE tenant_id = $1) >= 1000 THEN 'full'
                WHEN $9::text IS NOT NULL AND program_tier_rank(program_current($1), $9) IS NULL
                    THEN 'tier' END AS refused
), made AS (
    INSERT INTO rewards AS x (tenant_id, name, points_cost, kind, amount, currency, percent,
                              description, tier, starts_at, ends_at, stock, per_customer_limit,
                              coupon_valid_days, refund_on_expiry, codes, code_prefix,
                              code_length, enabled)
    SELECT $1, $2, $3::bigint, $4, $5::numeric, $6, $7::numeric, coalesce($8, ''), $9,
           $10::timestamptz, $11::timestamptz, $12::integer, $13::integer, $14::integer,
           coalesce($15::boolean, false), coalesce($16, 'generated'), coalesce($17, ''),
           coalesce($18::integer, 10), coalesce($19::boolean, true)
    FROM verdict WHERE refused IS NULL
    RETURNING reward_json(x) AS json
)
SELECT (SELECT json FROM made), (SELECT refused FROM verdict)
