-- What places every customer of a tenant in a tier (points report, programme dry run).

-- Defined in sql/functions/ (re-created after the migrations on every migrate):
--   22_points_tier_inputs.sql
