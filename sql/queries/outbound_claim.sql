-- The dispatcher's claim (jobs/outbound.c): up to $1 due attempts across tenants, leased
-- for $2 seconds, at most $3 in flight per endpoint (outbound_claim: SKIP LOCKED, one
-- customer's messages in order), after fanning out up to $4 recorded events (only those
-- recorded $5 seconds ago or earlier; 0: all). The live secrets come space-separated
-- (whsec_ + base64 has no space), newest first.
SELECT id, tenant_id, endpoint_id, url, body, attempts,
       extract(epoch FROM created_at)::bigint, array_to_string(secrets, ' ')
FROM outbound_claim($1, $2, $3, $4, $5)
