INSERT INTO points_expiry_watermark (tenant_id, customer_id, through)
VALUES ($1, $2::bigint, now())
ON CONFLICT (tenant_id, customer_id) DO UPDATE SET through = EXCLUDED.through
