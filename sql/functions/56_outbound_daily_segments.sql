-- customer.entered_segment of the daily evaluation of tenant t: the members now (as of now,
-- in time zone tz, with each segment's defaults: lapsed 90 days, anniversaries 7 days) of
-- lapsed, due_for_reorder, anniversaries and at_risk (segment_members, so as the segment
-- list defines them) against those recorded at the last evaluation
-- (outbound_segment_members): a member who is new there gets one message for every enabled
-- endpoint that wants it, with data {"customer_id", "segment", "entered_at"} and the
-- figures the segment list shows ("recency_days", "frequency", "monetary", "r", "f", "m",
-- and "rfm_segment", the list's "segment"); one who left is forgotten, so that coming back
-- is an entry again. With baseline (the tenant's first evaluation) the members are recorded
-- without messages. The records are kept whether or not an endpoint wants the type, so
-- that an endpoint subscribing later hears of entries from then on. Returns the messages
-- written.
CREATE OR REPLACE FUNCTION outbound_daily_segments(t uuid, tz text, baseline boolean)
RETURNS integer
LANGUAGE sql VOLATILE
BEGIN ATOMIC
    WITH now_in AS MATERIALIZED (
        SELECT s.name AS entered, m.*
        FROM unnest(ARRAY['lapsed', 'due_for_reorder', 'anniversaries', 'at_risk']) AS s(name)
        CROSS JOIN LATERAL segment_members(t, s.name, CASE s.name WHEN 'lapsed' THEN 90 ELSE 7 END,
                                           10, now(), tz, program_current(t)) m
    ), gone AS (
        DELETE FROM outbound_segment_members o
        WHERE o.tenant_id = t
          AND NOT EXISTS (SELECT 1 FROM now_in n
                          WHERE n.entered = o.segment AND n.customer_id = o.customer_id)
    ), came AS (
        INSERT INTO outbound_segment_members (tenant_id, segment, customer_id, entered_at)
        SELECT t, n.entered, n.customer_id, now() FROM now_in n
        ON CONFLICT (tenant_id, segment, customer_id) DO NOTHING
        RETURNING segment, customer_id, entered_at
    ), told AS (
        INSERT INTO outbound_messages (tenant_id, endpoint_id, type, customer_key, body)
        SELECT t, e.id, 'customer.entered_segment', k.customer_id,
               outbound_body('customer.entered_segment', now(),
                             jsonb_build_object('customer_id', c.external_id, 'segment', k.segment,
                                                'entered_at', rfc3339(k.entered_at),
                                                'recency_days', n.recency_days,
                                                'frequency', n.frequency,
                                                'monetary', n.monetary::text, 'r', n.r, 'f', n.f,
                                                'm', n.m, 'rfm_segment', n.segment))
        FROM came k
        JOIN now_in n ON n.entered = k.segment AND n.customer_id = k.customer_id
        JOIN customers c ON c.tenant_id = t AND c.id = k.customer_id
        CROSS JOIN LATERAL outbound_targets(t, 'customer.entered_segment') AS e(id)
        WHERE NOT baseline
        ORDER BY k.customer_id,
                 array_position(ARRAY['lapsed', 'due_for_reorder', 'anniversaries', 'at_risk'], k.segment),
                 e.id
        RETURNING 1
    )
    SELECT count(*)::integer FROM told;
END;
