-- A report bound: 'YYYY-MM-DD' is midnight of that day in tz; anything else is an
-- RFC 3339 instant (loyaltyd validates both forms before calling).
CREATE OR REPLACE FUNCTION report_instant(bound text, tz text) RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN CASE WHEN bound ~ '^\d{4}-\d{2}-\d{2}$'
                THEN (bound::date::timestamp AT TIME ZONE tz)
                ELSE bound::timestamptz END;
COMMENT ON FUNCTION report_instant(text, text) IS 'A report''s from/to: a date means local midnight in tz, else an RFC 3339 instant.';
