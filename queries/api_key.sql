-- name: APIKeyInsert :exec
INSERT INTO api_keys (account_id, id, name, role, key_hash, key_prefix, created_at)
VALUES (@account_id, @id, @name, @role, @key_hash, @key_prefix, @created_at);

-- APIKeyGetByHash authenticates a request, so it is the one query that finds the
-- account from the key rather than filtering by it.
-- name: APIKeyGetByHash :one
SELECT *
FROM api_keys
WHERE key_hash = @key_hash
    AND revoked_at IS NULL;

-- APIKeyRevoke keeps the first revocation time when a key is revoked twice.
-- name: APIKeyRevoke :execrows
UPDATE api_keys
SET revoked_at = coalesce(revoked_at, now())
WHERE account_id = @account_id
    AND id = @id;
