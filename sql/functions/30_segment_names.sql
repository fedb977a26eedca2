-- The segments of tenant t's programme and of docs/DESIGN.md §6, in order.
CREATE OR REPLACE FUNCTION segment_names(program jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN rfm_segment_names() || ARRAY['promoters', 'passives', 'detractors', 'advocates',
           'lapsed', 'due_for_reorder', 'anniversaries', 'key_customers']
           || ARRAY(SELECT 'tier:' || (x->>'name')
                    FROM jsonb_array_elements(coalesce(program->'tiers', '[]')) WITH ORDINALITY x(x, o)
                    ORDER BY o);
