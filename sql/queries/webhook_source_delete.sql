-- Deletes source $2 of tenant $1 with its secrets; the deliveries seen and the order states
-- stay until their time (events and points already stored are the customers' history).
DELETE FROM webhook_sources WHERE tenant_id = $1 AND id = $2 RETURNING id
