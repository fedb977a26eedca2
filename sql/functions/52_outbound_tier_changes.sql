-- tier.changed for ledger entries (trigger outbound_tier_changes on points_ledger, once per
-- statement, after outbound_points): only earns and refunds move the points in the tier
-- window, so only their customers are looked at, and only for a tenant with an endpoint
-- that wants tier.changed and a programme with tiers; ingest without endpoints pays one
-- index probe. Writers hold the customer's row lock (points_change, points_ingest). The
-- changes that time makes are found by the daily evaluation (outbound_daily_tiers).
CREATE OR REPLACE FUNCTION outbound_tier_changes() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    t uuid;
    cfg jsonb;
BEGIN
    IF NOT outbound_wanted(ARRAY(SELECT DISTINCT a.tenant_id FROM added a
                                 WHERE a.kind IN ('earn', 'refund'))) THEN
        RETURN NULL;
    END IF;
    FOR t IN SELECT DISTINCT a.tenant_id FROM added a WHERE a.kind IN ('earn', 'refund') LOOP
        CONTINUE WHEN NOT outbound_wants(t, 'tier.changed');
        cfg := program_current(t);
        CONTINUE WHEN jsonb_typeof(cfg->'tiers') IS DISTINCT FROM 'array'
                      OR jsonb_array_length(cfg->'tiers') = 0;
        PERFORM outbound_tiers_tell(
            t, cfg,
            ARRAY(SELECT DISTINCT a.customer_id FROM added a
                  WHERE a.tenant_id = t AND a.kind IN ('earn', 'refund')),
            ARRAY(SELECT a.id FROM added a WHERE a.tenant_id = t));
    END LOOP;
    RETURN NULL;
END;
$$;
