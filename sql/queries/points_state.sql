-- A customer's figures now and where they stand among the tiers of the programme $4 (null:
-- no programme, no tier); $3 is the programme's tier window in days.
SELECT s.balance, s.expiring_points, rfc3339(s.expiring_at), s.lifetime_earned,
       s.lifetime_redeemed, s.earned_in_window, pt.tier, pt.next_tier, pt.points_to_next
FROM points_state($1, $2::bigint, now(), $3::integer) s
LEFT JOIN LATERAL program_tier($4::jsonb, s.earned_in_window,
                               points_granted($1, $2::bigint, now())) pt ON true
