-- What a new programme would change: every customer of tenant $1 placed in a tier under
-- the programme in force and under $2 (canonical programme JSON), as of now. Answers the
-- number of customers and of tier changes, and one page of the changes in customer order
-- after the cursor $3 (a customer's row id, or NULL), $4 rows at most; an empty page is one
-- row with the totals and nulls.
WITH cur AS (
    SELECT config FROM loyalty_programs WHERE tenant_id = $1 ORDER BY version DESC LIMIT 1
), old_place AS (
    SELECT i.customer_id, pt.tier
    FROM points_tier_inputs($1, coalesce((SELECT (config->>'tier_window_days')::integer FROM cur), 365), now()) i
    LEFT JOIN LATERAL program_tier((SELECT config FROM cur), i.earned, i.granted) pt ON true
), new_place AS (
    SELECT i.customer_id, pt.tier
    FROM points_tier_inputs($1, ($2::jsonb->>'tier_window_days')::integer, now()) i
    LEFT JOIN LATERAL program_tier($2::jsonb, i.earned, i.granted) pt ON true
), changed AS (
    SELECT o.customer_id, o.tier AS old_tier, n.tier AS new_tier
    FROM old_place o JOIN new_place n ON n.customer_id = o.customer_id
    WHERE o.tier IS DISTINCT FROM n.tier
), totals AS (
    SELECT (SELECT count(*) FROM old_place) AS customers, (SELECT count(*) FROM changed) AS changes
)
SELECT t.customers, t.changes, p.customer_id, p.external_id, p.old_tier, p.new_tier
FROM totals t
LEFT JOIN LATERAL (
    SELECT ch.customer_id, c.external_id, ch.old_tier, ch.new_tier
    FROM changed ch JOIN customers c ON c.tenant_id = $1 AND c.id = ch.customer_id
    WHERE $3::bigint IS NULL OR ch.customer_id > $3::bigint
    ORDER BY ch.customer_id
    LIMIT $4
) AS p ON true
