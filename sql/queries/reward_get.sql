-- One reward of tenant $1 as the API shows it (no row: none).
SELECT reward_json(r) FROM rewards r WHERE r.tenant_id = $1 AND r.id = $2
