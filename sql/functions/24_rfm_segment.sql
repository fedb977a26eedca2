-- The segment of R and F scores: the first rule that matches, in docs/DESIGN.md's order.
CREATE OR REPLACE FUNCTION rfm_segment(r integer, f integer) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE
        WHEN r = 5 AND f IN (4, 5) THEN 'champions'
        WHEN r IN (4, 5) AND f IN (2, 3) THEN 'potential_loyalists'
        WHEN r = 5 AND f = 1 THEN 'new_customers'
        WHEN r = 4 AND f = 1 THEN 'promising'
        WHEN r IN (3, 4) AND f IN (4, 5) THEN 'loyal_customers'
        WHEN r = 3 AND f = 3 THEN 'need_attention'
        WHEN r = 3 AND f IN (1, 2) THEN 'about_to_sleep'
        WHEN r IN (1, 2) AND f = 5 THEN 'cant_lose_them'
        WHEN r IN (1, 2) AND f IN (3, 4) THEN 'at_risk'
        WHEN r IN (1, 2) AND f IN (1, 2) THEN 'hibernating'
    END;
