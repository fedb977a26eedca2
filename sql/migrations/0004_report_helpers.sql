-- Helpers of the reports: instants given as a date or an RFC 3339 time, and times shown
-- in the report's time zone.

-- A report bound: 'YYYY-MM-DD' is midnight of that day in tz; anything else is an
-- RFC 3339 instant (loyaltyd validates both forms before calling).
CREATE FUNCTION report_instant(bound text, tz text) RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN CASE WHEN bound ~ '^\d{4}-\d{2}-\d{2}$'
                THEN (bound::date::timestamp AT TIME ZONE tz)
                ELSE bound::timestamptz END;
COMMENT ON FUNCTION report_instant(text, text) IS 'A report''s from/to: a date means local midnight in tz, else an RFC 3339 instant.';

-- RFC 3339 with the offset tz has at that instant ("2026-03-30T00:00:00+02:00").
CREATE FUNCTION rfc3339_in(ts timestamptz, tz text) RETURNS text
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
