-- The segments in their order.
CREATE OR REPLACE FUNCTION rfm_segment_names() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['champions', 'potential_loyalists', 'new_customers', 'promising',
                 'loyal_customers', 'need_attention', 'about_to_sleep', 'cant_lose_them',
                 'at_risk', 'hibernating'];
