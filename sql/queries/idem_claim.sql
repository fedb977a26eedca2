-- Claims an Idempotency-Key inside the transaction of the request it is for: the claim,
-- the request's effect and its answer (idem_finish) commit together or not at all, so no
-- claim outlives its transaction and no key is ever left "running" by a dead request.
-- A transaction-scoped advisory lock on (tenant, key) tells at once, without waiting,
-- that another transaction holds the key now (busy: 409); a key whose answer is older
-- than 24 hours is taken over. One row: got (false: busy), claimed (true: run the
-- request; false with got: the key has an answer, read it with idem_get).
WITH lock AS (
    SELECT pg_try_advisory_xact_lock(hashtext($1::uuid::text), hashtext($2::text)) AS got
), claim AS (
    INSERT INTO idempotency_keys AS k (tenant_id, key, request_hash)
    SELECT $1::uuid, $2::text, decode($3, 'hex') FROM lock WHERE got
    ON CONFLICT (tenant_id, key) DO UPDATE
    SET request_hash = EXCLUDED.request_hash, status = NULL, content_type = NULL,
        response = NULL, created_at = now(), completed_at = NULL
    WHERE k.created_at < now() - interval '24 hours'
       -- a claim without an answer committed by a loyaltyd of the former design (before
       -- migration 0023) while both ran: taken over once its process would have finished
       OR (k.status IS NULL AND k.created_at < now() - interval '60 seconds')
    RETURNING true
)
SELECT (SELECT got FROM lock), EXISTS (SELECT FROM claim)
