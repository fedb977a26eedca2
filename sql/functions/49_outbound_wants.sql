-- Whether an enabled endpoint of tenant t wants events of type `type` (event_types NULL:
-- every type): the event writers that cost more than one statement ask it first.
CREATE OR REPLACE FUNCTION outbound_wants(t uuid, type text) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN EXISTS (SELECT 1 FROM outbound_targets(t, type));
