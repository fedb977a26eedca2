-- The outcomes of a claimed batch (ids, oks, HTTP codes, errors in words as arrays), the
-- give-up and disable ages in seconds: how many messages failed for good, how many
-- endpoints were disabled.
SELECT gave_up, disabled FROM outbound_settle($1, $2, $3, $4, $5, $6)
