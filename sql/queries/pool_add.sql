-- Adds the codes $3 (text[], distinct, upper case) to the pool of reward $2 of tenant $1.
-- A code the tenant has already is added nowhere: with $4 (strict: codes drawn at random)
-- any such code adds none of them (draw again); otherwise a code of this same pool is
-- skipped, and a code of another reward adds none of them. Columns: whether the reward
-- exists, codes added, the codes found elsewhere (JSON, at most 100) and how many, and the
-- codes of the pool still available.
WITH r AS (
    SELECT id FROM rewards WHERE tenant_id = $1 AND id = $2 FOR UPDATE
), given AS (
    SELECT c FROM unnest($3::text[]) c
), clash AS (
    SELECT k.code FROM coupons k JOIN given g ON g.c = k.code
    WHERE k.tenant_id = $1 AND ($4::boolean OR k.reward_id <> $2)
), added AS (
    INSERT INTO coupons (tenant_id, reward_id, code)
    SELECT $1, r.id, g.c FROM r, given g
    WHERE NOT EXISTS (SELECT 1 FROM clash)
    ON CONFLICT (tenant_id, code) DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM r), (SELECT count(*) FROM added),
       (SELECT coalesce(json_agg(code ORDER BY code), '[]') FROM (SELECT code FROM clash ORDER BY code LIMIT 100) x),
       (SELECT count(*) FROM clash),
       (SELECT count(*) FROM coupons k WHERE k.tenant_id = $1 AND k.reward_id = $2 AND k.status = 'available')
         + (SELECT count(*) FROM added)
