-- A redemption of a reward: see reward_redeem() (sql/functions/64_reward_redeem.sql).
SELECT outcome, coupon, figure, tier, entry FROM reward_redeem($1, $2, $3::uuid, $4)
