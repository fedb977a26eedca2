-- A number rounded to whole points the way a programme says (floor, round or ceil).
CREATE OR REPLACE FUNCTION program_round(config jsonb, x numeric) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE config->>'rounding' WHEN 'ceil' THEN ceil(x) WHEN 'round' THEN round(x) ELSE floor(x) END;
