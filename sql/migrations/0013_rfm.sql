-- RFM scoring (docs/DESIGN.md §6), defined once for the RFM report, the segment sizes and the
-- segment customer lists.

-- Defined in sql/functions/ (re-created after the migrations on every migrate):
--   24_rfm_segment.sql
--   25_rfm_segment_names.sql
--   26_rfm_scores.sql
