-- Fresh statistics on the tables the reports read, after an import (only their owner may
-- ANALYZE them).
CREATE OR REPLACE FUNCTION loyaltyd_analyze() RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    ANALYZE events, customers, customer_rollups, points_ledger, points_accounts;
END;
$$;
REVOKE ALL ON FUNCTION loyaltyd_analyze() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION loyaltyd_analyze() TO loyaltyd_app;
