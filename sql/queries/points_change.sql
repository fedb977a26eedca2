-- An earn, redeem or adjustment: see points_change() (sql/functions/18_points_change.sql).
SELECT outcome, entry_json, new_balance, min_points FROM points_change($1, $2, $3, $4::bigint, $5, $6)
