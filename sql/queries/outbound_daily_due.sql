-- The tenants whose daily evaluation of outbound events is due now (outbound_daily_due()).
SELECT tenant_id FROM outbound_daily_due()
