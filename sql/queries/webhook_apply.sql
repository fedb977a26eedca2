-- One mapped delivery (see sql/functions/34_webhook_apply.sql): $1 tenant, $2 kind,
-- $3 delivery key (null: none), $4 the command.
SELECT webhook_apply($1, $2, $3, $4::jsonb)
