INSERT INTO points_ledger AS p (tenant_id, customer_id, kind, points, reason, reference,
                                program_version, expires_at)
VALUES ($1, $2::bigint, $3, $4::bigint, $5, $6, $7::integer,
        CASE WHEN $8::integer IS NULL THEN NULL ELSE now() + make_interval(days => $8::integer) END)
RETURNING json_build_object('id', p.id, 'kind', p.kind, 'points', p.points, 'reason', p.reason,
                           'reference', p.reference, 'expires_at', rfc3339(p.expires_at),
                           'created_at', rfc3339(p.created_at))
