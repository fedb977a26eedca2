-- The named segments of docs/DESIGN.md §6, defined once for their sizes and their lists.

-- Defined in sql/functions/ (re-created after the migrations on every migrate):
--   27_next_anniversary.sql
--   28_segment_customers.sql
--   29_segment_known.sql
--   30_segment_names.sql
