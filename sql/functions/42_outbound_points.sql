-- The outbox of ledger entries (trigger outbound_points on points_ledger, once per
-- statement): points.earned for an earn, points.redeemed for a redeem, points.expired for
-- lapsed points written off; data is the entry as the API shows it (points_entry_json;
-- points positive for a redeem or expiry: what was spent or lost) and the customer's
-- external id. Adjustments and refunds send nothing. Same transaction as the entry.
CREATE OR REPLACE FUNCTION outbound_points() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT outbound_wanted(ARRAY(SELECT DISTINCT a.tenant_id FROM added a)) THEN
        RETURN NULL;
    END IF;
    INSERT INTO outbound_messages (tenant_id, endpoint_id, type, customer_key, body)
    SELECT a.tenant_id, e.id, k.type, a.customer_id,
           outbound_body(k.type, a.created_at,
                         jsonb_build_object('customer_id', c.external_id)
                         || jsonb_set(to_jsonb(points_entry_json(a::points_ledger)), '{points}',
                                      to_jsonb(abs(a.points))))
    FROM added a
    CROSS JOIN LATERAL (SELECT CASE a.kind WHEN 'earn' THEN 'points.earned'
                                           WHEN 'redeem' THEN 'points.redeemed'
                                           WHEN 'expire' THEN 'points.expired' END AS type) k
    JOIN customers c ON c.tenant_id = a.tenant_id AND c.id = a.customer_id
    CROSS JOIN LATERAL outbound_targets(a.tenant_id, k.type) AS e(id)
    WHERE k.type IS NOT NULL
    ORDER BY a.id, e.id;
    RETURN NULL;
END;
$$;
