-- name: AccountInsert :exec
INSERT INTO accounts (id, name, site_key, identity_secret, greeting, time_zone, created_at)
VALUES (@id, @name, @site_key, @identity_secret, @greeting, @time_zone, @created_at);

-- name: AccountGet :one
SELECT *
FROM accounts
WHERE id = @id;

-- name: AccountGetBySiteKey :one
SELECT *
FROM accounts
WHERE site_key = @site_key;
