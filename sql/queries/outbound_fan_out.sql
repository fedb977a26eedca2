-- Before an endpoint's messages are listed, in the same transaction: every event recorded
-- so far becomes its messages (outbound_fan_out, waiting for a fan-out running elsewhere),
-- so that the list shows what was committed whether or not this process delivers
-- (LOYALTYD_OUTBOUND_WORKERS=0).
SELECT outbound_fan_out(100000, true)
