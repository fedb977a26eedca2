-- A batch of the expiry task: see coupons_expire() (sql/functions/67_coupons_expire.sql).
SELECT coupons_expire($1::integer)
