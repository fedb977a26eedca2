-- Whether name is a segment of tenant t's programme (tiers) or of docs/DESIGN.md §6.
CREATE OR REPLACE FUNCTION segment_known(name text, program jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN name = ANY (rfm_segment_names() || ARRAY['promoters', 'passives', 'detractors',
                       'advocates', 'lapsed', 'due_for_reorder', 'anniversaries', 'key_customers'])
           OR (name LIKE 'tier:%' AND EXISTS (SELECT 1 FROM jsonb_array_elements(program->'tiers') x
                                             WHERE 'tier:' || (x->>'name') = name));
