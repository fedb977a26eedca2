-- The outbox's gauges: pending messages of enabled endpoints, the oldest one's age (s).
SELECT pending, oldest_seconds FROM outbound_lag()
