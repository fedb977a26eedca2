-- Adds secret $3 to source $2 of tenant $1 (locked by webhook_source_lock) unless it has
-- two already; answers the new secret as JSON, or no row.
INSERT INTO webhook_secrets AS k (tenant_id, source_id, secret)
SELECT $1, $2, $3
WHERE (SELECT count(*) FROM webhook_secrets x WHERE x.tenant_id = $1 AND x.source_id = $2) < 2
RETURNING json_build_object('id', k.id,
                            'fingerprint', secret_fingerprint(k.secret),
                            'created_at', rfc3339(k.created_at))
