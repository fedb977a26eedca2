-- The daily evaluation of tenant $1 ($2: even when not due), in its transaction.
SELECT ran, baseline, entered, expiring, tier_changes FROM outbound_daily_run($1, $2::boolean)
