-- Writes the lots that have lapsed as one expire entry, before any other write.
SELECT points_write_lapsed($1, $2::bigint)
