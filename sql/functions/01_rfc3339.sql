-- RFC 3339 in UTC with microseconds, the one timestamp format of the API.
CREATE OR REPLACE FUNCTION rfc3339(ts timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
COMMENT ON FUNCTION rfc3339(timestamptz) IS 'Formats a timestamp as the API does: RFC 3339, UTC, microseconds.';
