-- The use of a coupon at checkout: see coupon_use() (sql/functions/66_coupon_use.sql).
SELECT outcome, coupon FROM coupon_use($1, $2, $3, $4)
