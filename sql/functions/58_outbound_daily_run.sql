-- The daily evaluation of tenant t (server/jobs/outbound_daily.c), in the caller's
-- transaction under t: claims the local day — the tenant's outbound_settings row (made with
-- the defaults when missing) locked with SKIP LOCKED, so that a second loyaltyd process
-- evaluating t at the same moment goes away, and last_run_on set to the local date in tz —
-- then the segment entries, the lots and coupons expiring within expiring_days (expiring
-- counts both) and the tier changes by time. First every event recorded so far is fanned out (outbound_fan_out, waiting for one
-- running elsewhere), holding the outbox lock to the end of the transaction: the messages
-- written here come after those of every earlier event. Not due (local time
-- before run_at, or already run this local day) unless force; nothing at all for a tenant
-- without an enabled endpoint or with an unknown tz. baseline: the tenant's first
-- evaluation (last_run_on was null), whose segment members are recorded without messages.
CREATE OR REPLACE FUNCTION outbound_daily_run(t uuid, force boolean)
RETURNS TABLE (ran boolean, baseline boolean, entered integer, expiring integer,
               tier_changes integer)
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    s outbound_settings;
    local timestamp;
    n_entered integer;
    n_expiring integer;
BEGIN
    IF NOT outbound_wanted(ARRAY[t]) THEN
        RETURN QUERY SELECT false, false, 0, 0, 0;
        RETURN;
    END IF;
    INSERT INTO outbound_settings (tenant_id) VALUES (t) ON CONFLICT (tenant_id) DO NOTHING;
    SELECT * INTO s FROM outbound_settings o WHERE o.tenant_id = t FOR UPDATE SKIP LOCKED;
    IF FOUND THEN
        local := outbound_local_now(s.tz);
    END IF;
    IF local IS NULL
       OR (NOT force AND (local::time < s.run_at OR s.last_run_on >= local::date)) THEN
        RETURN QUERY SELECT false, false, 0, 0, 0;
        RETURN;
    END IF;
    UPDATE outbound_settings o SET last_run_on = local::date WHERE o.tenant_id = t;
    PERFORM outbound_fan_out(1000000, true);
    n_entered := outbound_daily_segments(t, s.tz, s.last_run_on IS NULL);
    n_expiring := outbound_daily_expiring(t, s.expiring_days)
                  + outbound_daily_coupons(t, s.expiring_days);
    RETURN QUERY SELECT true, s.last_run_on IS NULL, n_entered, n_expiring, outbound_daily_tiers(t);
END;
$$;
