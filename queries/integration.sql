-- IntegrationUpsert connects a provider, replacing an earlier connection's details.
-- name: IntegrationUpsert :one
INSERT INTO integrations (account_id, provider, display_name, api_base_url, credentials, connected_at)
VALUES (@account_id, @provider, @display_name, @api_base_url, @credentials, @connected_at)
ON CONFLICT (account_id, provider) DO UPDATE
SET display_name = excluded.display_name,
    api_base_url = excluded.api_base_url,
    credentials = excluded.credentials,
    connected_at = excluded.connected_at
RETURNING *;

-- name: IntegrationDelete :execrows
DELETE FROM integrations
WHERE account_id = @account_id
    AND provider = @provider;

-- name: IntegrationList :many
SELECT *
FROM integrations
WHERE account_id = @account_id
ORDER BY provider;
