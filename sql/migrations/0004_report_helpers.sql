-- Helpers of the reports: instants given as a date or an RFC 3339 time, and times shown
-- in the report's time zone.

-- Defined in sql/functions/ (re-created after the migrations on every migrate):
--   03_report_instant.sql
--   02_rfc3339_in.sql
