-- A customer's figures now and where they stand among the tiers of the programme $3 (null:
-- no programme, no tier; its tier_window_days, else 365, is the window of points earned).
SELECT s.balance, s.expiring_points, rfc3339(s.expiring_at), s.lifetime_earned,
       s.lifetime_redeemed, s.earned_in_window, pt.tier, pt.next_tier, pt.points_to_next
FROM points_state($1, $2::bigint, now(), coalesce(($3::jsonb->>'tier_window_days')::integer, 365)) s
LEFT JOIN LATERAL program_tier($3::jsonb, s.earned_in_window,
                               points_granted($1, $2::bigint, now())) pt ON true
