-- Lifetime value behind /v1/reports/clv (docs/DESIGN.md §6), one row per group.
--   $1 tenant, $2 NULL or rfm_segment | tier | nps_category.
-- Customers with at least one order, as of now. Per group: customers; historical CLV
-- (net order amount: orders less refunds) mean, median, p90 and max; the average order
-- value (gross order amount / orders) and the orders; orders in the last 365 days and the customers who
-- placed them (orders per customer per year); customers with two orders or more; the
-- median of the days between a customer's consecutive orders; and the year's churn as
-- the retention report counts it — customers active 365 days ago (an order in the 365
-- days before) and those of them with no order since. loyaltyd derives the predicted CLV.
-- The first row (group null) is every customer; then the groups of $2, in the order of the
-- RFM segments, the NPS categories, the programme's tiers, then by name.
-- Groups: the RFM segment now, the tier now (customers without one: "none"), the category
-- of the latest NPS answer ("none" without an answer).
WITH prog AS (
    SELECT program_current($1) AS config -- the tiers, for by = tier
), now_ AS (
    SELECT now() AS t
), cust AS (
    SELECT r.customer_id, r.orders, r.order_amount, r.order_amount - r.refunded AS clv
    FROM customer_rollups r WHERE r.tenant_id = $1 AND r.orders > 0
), grp AS (
    SELECT customer_id, NULL::text AS g FROM cust -- everyone: the first row
    UNION ALL
    SELECT s.customer_id, s.segment FROM now_, rfm_scores($1, now_.t) s WHERE $2::text = 'rfm_segment'
    UNION ALL
    SELECT i.customer_id, coalesce(pt.tier, 'none')
    FROM now_
    CROSS JOIN points_tier_inputs($1, coalesce(((SELECT config FROM prog)->>'tier_window_days')::integer, 365), now_.t) i
    LEFT JOIN LATERAL program_tier((SELECT config FROM prog), i.earned, i.granted) pt ON true
    WHERE $2::text = 'tier'
    UNION ALL
    SELECT c.customer_id, coalesce(n.category, 'none')
    FROM cust c
    LEFT JOIN customer_nps_latest n ON n.tenant_id = $1 AND n.customer_id = c.customer_id
    WHERE $2::text = 'nps_category'
), members AS (
    SELECT g.g, c.* FROM grp g JOIN cust c ON c.customer_id = g.customer_id
), recent AS (
    -- per customer: orders in the last year, and whether active a year ago / now
    SELECT e.customer_id,
           count(*) FILTER (WHERE e.occurred_at > now_.t - interval '365 days') AS last_year,
           bool_or(e.occurred_at > now_.t - interval '730 days'
                   AND e.occurred_at <= now_.t - interval '365 days') AS active_before
    FROM events e, now_
    WHERE e.tenant_id = $1 AND e.type = 'order'
      AND e.occurred_at > now_.t - interval '730 days' AND e.occurred_at <= now_.t
    GROUP BY e.customer_id
), gaps AS (
    SELECT customer_id,
           extract(epoch FROM occurred_at - lag(occurred_at) OVER (PARTITION BY customer_id ORDER BY occurred_at, id)) / 86400 AS days
    FROM events
    WHERE tenant_id = $1 AND type = 'order'
), group_gaps AS (
    SELECT m.g, percentile_cont(0.5) WITHIN GROUP (ORDER BY gp.days) AS median_gap
    FROM members m JOIN gaps gp ON gp.customer_id = m.customer_id
    WHERE gp.days IS NOT NULL
    GROUP BY m.g
)
SELECT m.g,
       count(*),
       round(avg(m.clv), 2)::text,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY m.clv)::numeric, 2)::text,
       round(percentile_cont(0.9) WITHIN GROUP (ORDER BY m.clv)::numeric, 2)::text,
       max(m.clv)::text,
       round(sum(m.order_amount) / sum(m.orders), 2)::text,
       sum(m.orders),
       coalesce(sum(r.last_year), 0),
       count(*) FILTER (WHERE r.last_year > 0),
       count(*) FILTER (WHERE m.orders >= 2),
       round((SELECT gg.median_gap FROM group_gaps gg WHERE gg.g IS NOT DISTINCT FROM m.g)::numeric, 2)::text,
       count(*) FILTER (WHERE r.active_before),
       count(*) FILTER (WHERE r.active_before AND r.last_year = 0),
       rfc3339((SELECT t FROM now_)),
       (sum(m.order_amount) / sum(m.orders))::text -- unrounded, for the prediction
FROM members m
LEFT JOIN recent r ON r.customer_id = m.customer_id
GROUP BY m.g
ORDER BY m.g IS NOT NULL,
         array_position(rfm_segment_names() || ARRAY['promoter', 'passive', 'detractor']
                        || ARRAY(SELECT x->>'name' FROM jsonb_array_elements(coalesce((SELECT config FROM prog)->'tiers', '[]')) x),
                        m.g) NULLS LAST,
         m.g
