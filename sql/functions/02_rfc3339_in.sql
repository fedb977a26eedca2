-- RFC 3339 with the offset tz has at that instant ("2026-03-30T00:00:00+02:00").
CREATE OR REPLACE FUNCTION rfc3339_in(ts timestamptz, tz text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (WITH parts AS (
                SELECT ts AT TIME ZONE tz AS local,
                       extract(epoch FROM (ts AT TIME ZONE tz) - (ts AT TIME ZONE 'UTC'))::int AS off)
            SELECT to_char(local, 'YYYY-MM-DD"T"HH24:MI:SS')
                   || CASE WHEN off < 0 THEN '-' ELSE '+' END
                   || lpad((abs(off) / 3600)::text, 2, '0') || ':'
                   || lpad((abs(off) % 3600 / 60)::text, 2, '0')
            FROM parts);
COMMENT ON FUNCTION rfc3339_in(timestamptz, text) IS 'Formats an instant as RFC 3339 in time zone tz, with its offset.';
