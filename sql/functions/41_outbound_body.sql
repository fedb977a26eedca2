-- The body of a delivery (Standard Webhooks): {"type", "timestamp", "data"}, as text, the
-- bytes that are signed and sent.
CREATE OR REPLACE FUNCTION outbound_body(type text, at timestamptz, data jsonb) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN json_build_object('type', type, 'timestamp', rfc3339(at), 'data', data)::text;
