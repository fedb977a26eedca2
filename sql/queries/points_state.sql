SELECT balance, expiring_points, rfc3339(expiring_at), lifetime_earned, lifetime_redeemed,
       earned_in_window
FROM points_state($1, $2::bigint, now(), $3::integer)
