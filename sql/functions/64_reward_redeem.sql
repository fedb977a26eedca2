-- The place of tier `name` in the programme cfg (1 = the first tier), or null when the
-- programme has no such tier.
CREATE OR REPLACE FUNCTION program_tier_rank(cfg jsonb, name text) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT x.ord FROM jsonb_array_elements(cfg->'tiers') WITH ORDINALITY AS x(value, ord)
            WHERE x.value->>'name' = name LIMIT 1);

-- Redeems reward r of tenant t for the customer with external id ext, in one statement
-- (its own transaction, or the Idempotency-Key's unit): locks the customer, checks the
-- reward (enabled, inside its window), the customer's tier against the reward's, the
-- per-customer limit (coupons whose points came back do not count), the balance (lapsed
-- points never count) and, for a pool reward, that a code is left (SKIP LOCKED: concurrent
-- redemptions take different codes); then takes one of the stock (the reward's row lock
-- makes concurrent redemptions wait their turn: never more than the stock), writes lapsed
-- lots off, appends the redeem entry (reason "reward: <name>", reference "coupon:<code>")
-- and issues the coupon: the pool's code, or code_prefix and the first code_length
-- characters of candidate (random, from the caller). A refused redemption writes nothing.
-- outcome: done, no_customer, no_reward, not_available, tier_required, limit_reached,
-- over_balance, no_codes, out_of_stock, code_taken (the candidate exists: call again with
-- another). figure: the balance after (done), the available balance (over_balance), the
-- limit (limit_reached); tier: the tier required (tier_required).
CREATE OR REPLACE FUNCTION reward_redeem(t uuid, ext text, reward uuid, candidate text)
RETURNS TABLE (outcome text, coupon json, figure bigint, tier text, entry json)
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    c bigint;
    r rewards;
    cfg jsonb;
    ver integer;
    bal bigint;
    lapsed_now bigint;
    earned bigint;
    have text;
    pool_id bigint;
    the_code text;
    e points_ledger;
    cp coupons;
BEGIN
    SELECT cu.id INTO c FROM customers cu WHERE cu.tenant_id = t AND cu.external_id = ext
    FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'no_customer', NULL::json, 0::bigint, NULL::text, NULL::json;
        RETURN;
    END IF;
    SELECT * INTO r FROM rewards x WHERE x.tenant_id = t AND x.id = reward;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'no_reward', NULL::json, 0::bigint, NULL::text, NULL::json;
        RETURN;
    END IF;
    IF NOT r.enabled OR now() < r.starts_at OR now() >= r.ends_at THEN
        RETURN QUERY SELECT 'not_available', NULL::json, 0::bigint, NULL::text, NULL::json;
        RETURN;
    END IF;
    SELECT p.config, p.version INTO cfg, ver
    FROM loyalty_programs p WHERE p.tenant_id = t ORDER BY p.version DESC LIMIT 1;
    SELECT s.balance, s.lapsed, s.earned_in_window INTO bal, lapsed_now, earned
    -- the points earned in the tier window are read only when the reward has a tier
    FROM points_totals(t, c, now(),
                       CASE WHEN r.tier IS NULL THEN 1
                            ELSE coalesce((cfg->>'tier_window_days')::integer, 365) END) s;
    IF r.tier IS NOT NULL THEN
        SELECT pt.tier INTO have FROM program_tier(cfg, earned, points_granted(t, c, now())) pt;
        IF coalesce(program_tier_rank(cfg, have) >= program_tier_rank(cfg, r.tier), false) IS NOT TRUE THEN
            RETURN QUERY SELECT 'tier_required', NULL::json, 0::bigint, r.tier, NULL::json;
            RETURN;
        END IF;
    END IF;
    IF r.per_customer_limit IS NOT NULL
       AND (SELECT count(*) FROM coupons k
            WHERE k.tenant_id = t AND k.reward_id = r.id AND k.customer_id = c
              AND k.refund_entry_id IS NULL) >= r.per_customer_limit THEN
        RETURN QUERY SELECT 'limit_reached', NULL::json, r.per_customer_limit::bigint, NULL::text,
                            NULL::json;
        RETURN;
    END IF;
    IF r.points_cost > bal THEN
        RETURN QUERY SELECT 'over_balance', NULL::json, bal, NULL::text, NULL::json;
        RETURN;
    END IF;
    IF r.codes = 'pool' THEN
        SELECT k.id, k.code INTO pool_id, the_code FROM coupons k
        WHERE k.tenant_id = t AND k.reward_id = r.id AND k.status = 'available'
        ORDER BY k.id LIMIT 1 FOR UPDATE SKIP LOCKED;
        IF NOT FOUND THEN
            RETURN QUERY SELECT 'no_codes', NULL::json, 0::bigint, NULL::text, NULL::json;
            RETURN;
        END IF;
    ELSE
        the_code := r.code_prefix || left(candidate, r.code_length);
        IF EXISTS (SELECT 1 FROM coupons k WHERE k.tenant_id = t AND k.code = the_code) THEN
            RETURN QUERY SELECT 'code_taken', NULL::json, 0::bigint, NULL::text, NULL::json;
            RETURN;
        END IF;
    END IF;
    UPDATE rewards x SET issued = x.issued + 1
    WHERE x.tenant_id = t AND x.id = r.id AND (x.stock IS NULL OR x.issued < x.stock)
    RETURNING * INTO r;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'out_of_stock', NULL::json, 0::bigint, NULL::text, NULL::json;
        RETURN;
    END IF;
    IF lapsed_now > 0 THEN
        PERFORM points_write_lapsed(t, c);
    END IF;
    INSERT INTO points_ledger AS p (tenant_id, customer_id, kind, points, reason, reference,
                                    program_version)
    VALUES (t, c, 'redeem', -r.points_cost, left('reward: ' || r.name, 200), 'coupon:' || the_code,
            ver)
    RETURNING * INTO e;
    IF pool_id IS NOT NULL THEN
        UPDATE coupons k
        SET status = 'issued', customer_id = c, points = r.points_cost, redeem_entry_id = e.id,
            issued_at = now(),
            expires_at = now() + make_interval(days => r.coupon_valid_days)
        WHERE k.tenant_id = t AND k.id = pool_id
        RETURNING * INTO cp;
    ELSE
        INSERT INTO coupons (tenant_id, reward_id, code, status, customer_id, points,
                             redeem_entry_id, issued_at, expires_at)
        VALUES (t, r.id, the_code, 'issued', c, r.points_cost, e.id, now(),
                now() + make_interval(days => r.coupon_valid_days))
        RETURNING * INTO cp;
    END IF;
    RETURN QUERY SELECT 'done', coupon_json(cp, ext, r), bal - r.points_cost, NULL::text,
                        points_entry_json(e);
END;
$$;
