-- GDPR erasure (trigger outbound_erased on customers, once per DELETE statement): every
-- event and message about the customer still in the outbox goes (its data is the
-- customer's), and customer.erased tells the endpoints to forget the customer too. Same
-- transaction as the erasure. The events go first: one a fan-out holds (FOR UPDATE) is
-- waited for, so that the messages it made are committed, and seen, when the messages go.
CREATE OR REPLACE FUNCTION outbound_erased() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    DELETE FROM outbound_events v USING gone g
    WHERE v.tenant_id = g.tenant_id AND v.customer_key = g.id;
    DELETE FROM outbound_messages m USING gone g
    WHERE m.tenant_id = g.tenant_id AND m.customer_key = g.id;
    IF NOT outbound_wanted(ARRAY(SELECT DISTINCT g.tenant_id FROM gone g)) THEN
        RETURN NULL;
    END IF;
    INSERT INTO outbound_events (tenant_id, type, customer_key, body)
    SELECT g.tenant_id, 'customer.erased', NULL,
           outbound_body('customer.erased', now(),
                         jsonb_build_object('customer_id', g.external_id,
                                            'erased_at', rfc3339(now())))
    FROM gone g
    WHERE outbound_wants(g.tenant_id, 'customer.erased')
    ORDER BY g.id;
    RETURN NULL;
END;
$$;
