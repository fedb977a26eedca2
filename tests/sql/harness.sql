-- Assertions for the SQL tests (tests/sql/run.sh loads this file first, in the same
-- session). Session-local (pg_temp): nothing is left in the database.

-- Raises unless got equals want (NULL equals NULL).
CREATE FUNCTION pg_temp.eq(got anycompatible, want anycompatible, what text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF got IS DISTINCT FROM want THEN
        RAISE EXCEPTION 'FAIL %: got %, want %', what, coalesce(got::text, 'NULL'),
                        coalesce(want::text, 'NULL');
    END IF;
END
$$;

-- Raises unless running sql raises an error of SQLSTATE state.
CREATE FUNCTION pg_temp.raises(sql text, state text, what text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        EXECUTE sql;
    EXCEPTION WHEN OTHERS THEN
        IF SQLSTATE <> state THEN
            RAISE EXCEPTION 'FAIL %: raised % (%), want %', what, SQLSTATE, SQLERRM, state;
        END IF;
        RETURN;
    END;
    RAISE EXCEPTION 'FAIL %: no error, want %', what, state;
END
$$;
