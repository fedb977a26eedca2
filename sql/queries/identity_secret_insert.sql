-- Adds secret $2 to tenant $1 (its row locked by identity_lock, which counted fewer than
-- two). Answers the new secret as JSON: the only time it is shown.
INSERT INTO identity_secrets AS k (tenant_id, secret) VALUES ($1, $2)
RETURNING json_build_object('id', k.id, 'secret', k.secret,
                            'fingerprint', secret_fingerprint(k.secret),
                            'created_at', rfc3339(k.created_at))
