-- The events of ledger entries (trigger outbound_points on points_ledger, once per
-- statement), recorded in outbound_events in the entry's transaction: points.earned for an
-- earn, points.redeemed for a redeem, points.expired for lapsed points written off, when an
-- enabled endpoint of the tenant wants the type. Adjustments and refunds send nothing. An
-- earn or a refund also asks for a tier check when an endpoint wants tier.changed (a
-- refund alone is a row without a type). The row names the entry; its body is rendered by
-- the fan-out (outbound_points_body), so that this, which runs for every ledger write,
-- builds no JSON.
CREATE OR REPLACE FUNCTION outbound_points() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT outbound_wanted(ARRAY(SELECT DISTINCT a.tenant_id FROM added a)) THEN
        RETURN NULL;
    END IF;
    WITH wanted AS MATERIALIZED (
        SELECT * FROM outbound_wanted_types(ARRAY(SELECT DISTINCT a.tenant_id FROM added a))
    )
    INSERT INTO outbound_events (tenant_id, type, customer_key, entry_id, tier_check)
    SELECT a.tenant_id, w.type, a.customer_id, a.id, w.tier_check
    FROM added a
    JOIN wanted d ON d.tenant_id = a.tenant_id
    CROSS JOIN LATERAL (SELECT CASE a.kind WHEN 'earn' THEN 'points.earned'
                                           WHEN 'redeem' THEN 'points.redeemed'
                                           WHEN 'expire' THEN 'points.expired' END AS type) k
    CROSS JOIN LATERAL (
        SELECT CASE WHEN d.every OR k.type = ANY (d.types) THEN k.type END AS type,
               a.kind IN ('earn', 'refund') AND (d.every OR 'tier.changed' = ANY (d.types))
                   AS tier_check) w
    WHERE w.type IS NOT NULL OR w.tier_check
    ORDER BY a.id;
    RETURN NULL;
END;
$$;

-- The body of a points event about ledger entry e of the customer with external id
-- customer: data is the entry as the API shows it (points_entry_json), points positive
-- (for a redeem or expiry: what was spent or lost), and the customer's external id.
CREATE OR REPLACE FUNCTION outbound_points_body(type text, e points_ledger, customer text)
RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN outbound_body(type, e.created_at,
                         jsonb_build_object('customer_id', customer)
                         || jsonb_set(to_jsonb(points_entry_json(e)), '{points}',
                                      to_jsonb(abs(e.points))));
