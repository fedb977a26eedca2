INSERT INTO points_ledger AS p (tenant_id, customer_id, kind, points, reason, reference,
                                program_version, expires_at)
VALUES ($1, $2::bigint, $3, $4::bigint, $5, $6, $7::integer,
        CASE WHEN $8::integer IS NULL THEN NULL ELSE now() + make_interval(days => $8::integer) END)
RETURNING points_entry_json(p)
