-- Deletes reward $2 of tenant $1 with its pool of codes not issued, unless it has issued a
-- coupon (which must stay answerable): deleted, issued (kept: disable it instead), or no
-- row when there is no such reward.
WITH r AS (
    SELECT id FROM rewards WHERE tenant_id = $1 AND id = $2 FOR UPDATE
), busy AS (
    SELECT EXISTS (SELECT 1 FROM coupons k
                   WHERE k.tenant_id = $1 AND k.reward_id = $2 AND k.status <> 'available') AS b
), gone AS (
    DELETE FROM rewards x USING busy WHERE x.tenant_id = $1 AND x.id = $2 AND NOT busy.b
    RETURNING x.id
)
SELECT CASE WHEN (SELECT b FROM busy) THEN 'issued' ELSE 'deleted' END FROM r
