-- Names the tenants (comma-separated ids, or '' for none) that the rest of the current
-- transaction may see under row-level security.
SELECT set_config('loyaltyd.tenants', $1, true)
