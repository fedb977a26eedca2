-- Prunes at most $2 delivered or failed messages written more than $1 seconds ago.
SELECT outbound_prune($1, $2)
