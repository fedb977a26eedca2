-- The daily evaluation's settings of tenant $1 (the defaults when it set none).
SELECT json_build_object('tz', coalesce(s.tz, 'UTC'),
                         'run_at', to_char(coalesce(s.run_at, '06:00'), 'HH24:MI'),
                         'expiring_days', coalesce(s.expiring_days, 7),
                         'last_run_on', s.last_run_on)
FROM (SELECT 1) one LEFT JOIN outbound_settings s ON s.tenant_id = $1
