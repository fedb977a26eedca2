-- Sets the daily evaluation's settings of tenant $1: $2 time zone (PostgreSQL checks it),
-- $3 local time HH:MM, $4 days before a lot lapses that points.expiring is sent.
INSERT INTO outbound_settings AS s (tenant_id, tz, run_at, expiring_days, updated_at)
SELECT $1, $2, $3::time, $4::integer, now()
WHERE (now() AT TIME ZONE $2) IS NOT NULL -- an unknown zone fails here (22023)
ON CONFLICT (tenant_id) DO UPDATE
SET tz = EXCLUDED.tz, run_at = EXCLUDED.run_at, expiring_days = EXCLUDED.expiring_days,
    updated_at = now()
RETURNING json_build_object('tz', s.tz, 'run_at', to_char(s.run_at, 'HH24:MI'),
                            'expiring_days', s.expiring_days, 'last_run_on', s.last_run_on)
