-- GDPR erasure (trigger outbound_erased on customers, once per DELETE statement): every
-- message about the customer still in the outbox goes (its data is the customer's), and
-- customer.erased tells the endpoints to forget the customer too. Same transaction as the
-- erasure.
CREATE OR REPLACE FUNCTION outbound_erased() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    DELETE FROM outbound_messages m USING gone g
    WHERE m.tenant_id = g.tenant_id AND m.customer_key = g.id;
    IF NOT outbound_wanted(ARRAY(SELECT DISTINCT g.tenant_id FROM gone g)) THEN
        RETURN NULL;
    END IF;
    INSERT INTO outbound_messages (tenant_id, endpoint_id, type, customer_key, body)
    SELECT g.tenant_id, e.id, 'customer.erased', NULL,
           outbound_body('customer.erased', now(),
                         jsonb_build_object('customer_id', g.external_id,
                                            'erased_at', rfc3339(now())))
    FROM gone g
    CROSS JOIN LATERAL outbound_targets(g.tenant_id, 'customer.erased') AS e(id)
    ORDER BY g.id, e.id;
    RETURN NULL;
END;
$$;
