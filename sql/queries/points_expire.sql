-- Writes the lots that have lapsed as one expire entry, before any other write.
INSERT INTO points_ledger (tenant_id, customer_id, kind, points, reason)
SELECT $1, $2::bigint, 'expire', -s.lapsed, 'expired'
FROM points_state($1, $2::bigint, now(), 1) s
WHERE s.lapsed > 0
