-- One earn, redeem or adjustment of the API, in one statement (one round trip, its own
-- transaction): locks the customer, checks a redeem against min_redeem and any spending
-- against the balance (lapsed points never count), writes lapsed lots off, appends the
-- entry under the programme in force. A refused change writes nothing. outcome: done,
-- no_customer, under_min, over_balance; new_balance is the balance after (done) or the
-- available balance (refused).
CREATE OR REPLACE FUNCTION points_change(t uuid, ext text, change_kind text, delta bigint, why text,
                              ref text)
RETURNS TABLE (outcome text, entry_json json, new_balance bigint, min_points bigint)
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    c bigint;
    cfg jsonb;
    ver integer;
    minr bigint;
    bal bigint;
    lapsed_now bigint;
    e json;
BEGIN
    SELECT cu.id INTO c FROM customers cu WHERE cu.tenant_id = t AND cu.external_id = ext
    FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'no_customer', NULL::json, 0::bigint, 0::bigint;
        RETURN;
    END IF;
    SELECT p.config, p.version INTO cfg, ver
    FROM loyalty_programs p WHERE p.tenant_id = t ORDER BY p.version DESC LIMIT 1;
    minr := coalesce((cfg->>'min_redeem')::bigint, 0);
    SELECT s.balance, s.lapsed INTO bal, lapsed_now FROM points_totals(t, c, now(), 1) s;
    IF change_kind = 'redeem' AND -delta < minr THEN
        RETURN QUERY SELECT 'under_min', NULL::json, bal, minr;
        RETURN;
    END IF;
    IF delta < 0 AND -delta > bal THEN
        RETURN QUERY SELECT 'over_balance', NULL::json, bal, minr;
        RETURN;
    END IF;
    IF lapsed_now > 0 THEN
        PERFORM points_write_lapsed(t, c);
    END IF;
    INSERT INTO points_ledger AS p (tenant_id, customer_id, kind, points, reason, reference,
                                    program_version, expires_at)
    VALUES (t, c, change_kind, delta, why, ref, ver,
            CASE WHEN delta > 0 THEN now() + make_interval(days => (cfg->>'expiry_days')::integer) END)
    RETURNING points_entry_json(p) INTO e;
    RETURN QUERY SELECT 'done', e, bal + delta, minr;
END;
$$;
