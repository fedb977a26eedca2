-- Writes a customer's lapsed lots off as one expire entry; returns the points written off.
-- Every writer calls it under the customer's lock before it writes, so that a negative
-- entry never consumes lapsed points. (PL/pgSQL: its plan, with points_totals inlined, is
-- kept for the session; a SQL-language function would plan it on every call.)
CREATE OR REPLACE FUNCTION points_write_lapsed(t uuid, c bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    written bigint;
BEGIN
    INSERT INTO points_ledger (tenant_id, customer_id, kind, points, reason)
    SELECT t, c, 'expire', -s.lapsed, 'expired'
    FROM points_totals(t, c, now(), 1) s
    WHERE s.lapsed > 0
    RETURNING -points INTO written;
    RETURN coalesce(written, 0);
END;
$$;
