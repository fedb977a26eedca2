-- The wall-clock time now in time zone tz, or null when tz is not a time zone PostgreSQL
-- knows (so that one tenant's bad setting never stops the daily evaluation of the others).
CREATE OR REPLACE FUNCTION outbound_local_now(tz text) RETURNS timestamp
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RETURN now() AT TIME ZONE tz;
EXCEPTION WHEN invalid_parameter_value THEN
    RETURN NULL;
END;
$$;
