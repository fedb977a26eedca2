-- Everything held about one customer, as one JSON document: the customer, their events,
-- their survey answers, their points ledger and their coupons (figures derived from these, such as the
-- order rollups and the ledger's running totals, are not data about them of their own).
SELECT json_build_object(
    'customer', customer_json(c),
    'events', (SELECT coalesce(json_agg(event_json(e, c.external_id) ORDER BY e.occurred_at, e.id), '[]')
               FROM events e WHERE e.tenant_id = c.tenant_id AND e.customer_id = c.id),
    'survey_responses', (SELECT coalesce(json_agg(survey_response_json(r, c.external_id, s.kind)
                                                  ORDER BY r.responded_at, r.id), '[]')
                         FROM survey_responses r
                         JOIN surveys s ON s.tenant_id = r.tenant_id AND s.id = r.survey_id
                         WHERE r.tenant_id = c.tenant_id AND r.customer_id = c.id),
    'points_ledger', (SELECT coalesce(json_agg(points_entry_json(p) ORDER BY p.id), '[]')
                      FROM points_ledger p WHERE p.tenant_id = c.tenant_id AND p.customer_id = c.id),
    'coupons', (SELECT coalesce(json_agg(coupon_json(k, c.external_id, r) ORDER BY k.id), '[]')
                FROM coupons k JOIN rewards r ON r.tenant_id = k.tenant_id AND r.id = k.reward_id
                WHERE k.tenant_id = c.tenant_id AND k.customer_id = c.id),
    'exported_at', rfc3339(now()))
FROM customers c
WHERE c.tenant_id = $1 AND c.external_id = $2
