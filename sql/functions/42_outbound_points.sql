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
    -- each event's body once, however many endpoints want it; the customer's external id
    -- looked up by key for each entry (a join would be planned as a nested loop over the
    -- transition table, which has no statistics: quadratic in the statement's rows)
    WITH event AS MATERIALIZED (
        SELECT a.tenant_id, a.id, a.customer_id, k.type,
               outbound_body(k.type, a.created_at,
                             jsonb_build_object('customer_id',
                                                (SELECT c.external_id FROM customers c
                                                 WHERE c.tenant_id = a.tenant_id
                                                   AND c.id = a.customer_id))
                             || jsonb_set(to_jsonb(points_entry_json(a::points_ledger)),
                                          '{points}', to_jsonb(abs(a.points)))) AS body
        FROM added a
        CROSS JOIN LATERAL (SELECT CASE a.kind WHEN 'earn' THEN 'points.earned'
                                               WHEN 'redeem' THEN 'points.redeemed'
                                               WHEN 'expire' THEN 'points.expired' END AS type) k
        WHERE k.type IS NOT NULL
    )
    INSERT INTO outbound_messages (tenant_id, endpoint_id, type, customer_key, body)
    SELECT v.tenant_id, e.id, v.type, v.customer_id, v.body
    FROM event v CROSS JOIN LATERAL outbound_targets(v.tenant_id, v.type) AS e(id)
    ORDER BY v.id, e.id;
    RETURN NULL;
END;
$$;
