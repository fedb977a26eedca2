-- The catalogue of tenant $1 (at most 1,000 rewards), oldest first.
SELECT coalesce(json_agg(reward_json(r) ORDER BY r.created_at, r.id), '[]')
FROM rewards r WHERE r.tenant_id = $1
