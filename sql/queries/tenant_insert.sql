-- A new tenant (tenant_create: the one way to add a row to tenants).
SELECT id, name, created_at FROM tenant_create($1)
