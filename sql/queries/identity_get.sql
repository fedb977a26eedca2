-- The identity verification settings of tenant $1 as JSON.
SELECT identity_json($1)
