-- Deletes secret $3 of source $2 of tenant $1 (locked by webhook_source_lock) unless it is
-- the last one. Answers (deleted, existed): (1, 1) done, (0, 1) the last secret, (0, 0) none.
WITH d AS (
    DELETE FROM webhook_secrets k
    WHERE k.tenant_id = $1 AND k.source_id = $2 AND k.id = $3
      AND (SELECT count(*) FROM webhook_secrets x WHERE x.tenant_id = $1 AND x.source_id = $2) > 1
    RETURNING k.id
)
SELECT (SELECT count(*) FROM d),
       (SELECT count(*) FROM webhook_secrets x WHERE x.tenant_id = $1 AND x.source_id = $2 AND x.id = $3)
