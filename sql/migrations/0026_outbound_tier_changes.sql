-- tier.changed written with the ledger entry that changes a customer's tier: a
-- statement-level trigger on points_ledger (sql/functions/52_outbound_tier_changes.sql).
-- Triggers of one event fire in name order: outbound_points (points.earned …), then
-- outbound_tier_changes, then points_accounts_add; the tier reads only the ledger and the
-- memberships, never points_accounts. The daily evaluation (server/jobs/outbound_daily.c)
-- finds the changes that time makes (points leaving the window, memberships ending).

-- The function is in sql/functions/ (re-created after the migrations); a placeholder until
-- then, as in 0025.
CREATE FUNCTION outbound_tier_changes() RETURNS trigger LANGUAGE plpgsql
AS $$ BEGIN RAISE EXCEPTION 'placeholder: see sql/functions/52_outbound_tier_changes.sql'; END $$;
CREATE TRIGGER outbound_tier_changes AFTER INSERT ON points_ledger
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION outbound_tier_changes();
