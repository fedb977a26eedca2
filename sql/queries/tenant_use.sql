-- Names the tenant ('' for none) that the rest of the current transaction may see under
-- row-level security.
SELECT set_config('loyaltyd.tenant', $1, true)
