-- The API's representation of a ledger entry, defined once.
CREATE OR REPLACE FUNCTION points_entry_json(p points_ledger) RETURNS json
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN json_build_object(
        'id', p.id, 'kind', p.kind, 'points', p.points, 'reason', p.reason,
        'reference', p.reference, 'amount', p.amount::text, 'shortfall', p.shortfall,
        'expires_at', rfc3339(p.expires_at), 'created_at', rfc3339(p.created_at));
