-- An Idempotency-Key is now claimed inside the transaction of its request's effect and
-- answer (sql/queries/idem_claim.sql): a committed key always has its answer. Claims left
-- "running" by the former three-transaction design are dropped: their requests never
-- committed an answer, and a retry now runs them (or finds their effect's key) anew.
DELETE FROM idempotency_keys WHERE status IS NULL;
COMMENT ON TABLE idempotency_keys IS 'Answers kept per Idempotency-Key for 24 hours; a row commits with its request''s effect and answer, so status is null only inside that transaction.';
