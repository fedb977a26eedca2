-- Where a customer with `earned` points in the tier window (and the tiers named in granted,
-- from running memberships) stands in a programme: the highest tier reached or granted,
-- the next one and the points still missing to it, and the tier's multiplier.
CREATE OR REPLACE FUNCTION program_tier(config jsonb, earned bigint, granted text[])
RETURNS TABLE (tier text, next_tier text, points_to_next bigint, multiplier numeric)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH t AS (
        SELECT x.value->>'name' AS name, (x.value->>'threshold')::bigint AS threshold,
               round((x.value->>'multiplier')::numeric, 4) AS multiplier, x.ord
        FROM jsonb_array_elements(config->'tiers') WITH ORDINALITY AS x(value, ord)
    ), placed AS (
        SELECT max(ord) AS ord FROM t WHERE threshold <= earned OR name = ANY (granted)
    )
    SELECT t.name, n.name, CASE WHEN n.name IS NULL THEN NULL ELSE greatest(n.threshold - earned, 0) END,
           t.multiplier
    FROM placed p JOIN t ON t.ord = p.ord LEFT JOIN t n ON n.ord = p.ord + 1;
END;
