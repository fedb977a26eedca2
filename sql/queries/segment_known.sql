-- Whether $1 names a segment for the programme $2 (jsonb or NULL); fails on an unknown
-- time zone $3, before a stream of rows has begun.
SELECT segment_known($1, $2::jsonb) AND (now() AT TIME ZONE $3) IS NOT NULL
