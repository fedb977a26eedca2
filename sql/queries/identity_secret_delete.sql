-- Deletes secret $2 of tenant $1 (its row locked by identity_lock). Answers how many rows
-- went (0: no such secret).
WITH d AS (DELETE FROM identity_secrets k WHERE k.tenant_id = $1 AND k.id = $2 RETURNING 1)
SELECT count(*) FROM d
