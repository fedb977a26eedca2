-- Shopify marks orders from development stores and the Bogus gateway "test": true. They
-- are not customers' purchases, so by default they count for nothing (no event, no
-- points); a source made for a staging shop can count them.
ALTER TABLE webhook_sources ADD COLUMN count_test_orders boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN webhook_sources.count_test_orders IS 'Shopify orders with "test": true are stored (true) or answered "ignored" (false, the default).';

-- webhook_source_json now shows count_test_orders. Defined in sql/functions/ (re-created
-- after the migrations on every migrate):
--   35_webhook_source_json.sql
