-- The members of a named segment with their RFM figures as of as_of (docs/DESIGN.md §5): what
-- GET /v1/segments/{name}/customers lists, as a JSON page (segment_page.sql) or a CSV
-- (segment_rows.sql). The shop is scored once: an RFM segment's members come from that
-- scoring, the other segments' from segment_customers() (28_segment_customers.sql) and are joined to it. A
-- member with no order up to as_of has no scores, 0 orders and a net amount of 0.
CREATE OR REPLACE FUNCTION segment_members(t uuid, name text, days integer, pct numeric,
                                as_of timestamptz, tz text, program jsonb)
RETURNS TABLE (customer_id bigint, recency_days integer, frequency bigint, monetary numeric,
               r integer, f integer, m integer, segment text)
LANGUAGE sql STABLE
BEGIN ATOMIC
    WITH scores AS MATERIALIZED (
        SELECT * FROM rfm_scores(t, as_of)
    ), members AS (
        SELECT sc.customer_id FROM scores sc WHERE sc.segment = name
        UNION ALL
        SELECT s.customer_id FROM segment_customers(t, name, days, pct, as_of, tz, program) s
        WHERE NOT (name = ANY (rfm_segment_names()))
    )
    SELECT mb.customer_id, sc.recency_days, coalesce(sc.frequency, 0),
           coalesce(sc.monetary, 0), sc.r, sc.f, sc.m, sc.segment
    FROM members mb
    LEFT JOIN scores sc ON sc.customer_id = mb.customer_id;
END;
COMMENT ON FUNCTION segment_members(uuid, text, integer, numeric, timestamptz, text, jsonb) IS 'A named segment''s customers with their RFM figures as of as_of (docs/DESIGN.md section 5).';
