-- coupon.expiring (rewards issue): the daily evaluation tells each issued coupon once,
-- expiring_days before it expires (sql/functions/68_outbound_daily_coupons.sql).
ALTER TABLE coupons ADD COLUMN expiring_told_at timestamptz;
COMMENT ON COLUMN coupons.expiring_told_at IS 'When coupon.expiring was told for it (once per coupon); NULL: not yet.';
CREATE INDEX coupons_expiring_untold ON coupons (tenant_id, expires_at)
    WHERE status = 'issued' AND expiring_told_at IS NULL;
