-- name: DemoCustomerUpsert :exec
INSERT INTO demo_customers (account_id, profile_id, email, first_name, last_name)
VALUES (@account_id, @profile_id, @email, @first_name, @last_name)
ON CONFLICT (account_id, profile_id) DO UPDATE
SET email = excluded.email,
    first_name = excluded.first_name,
    last_name = excluded.last_name;

-- name: DemoCustomerGet :one
SELECT c.profile_id, c.email, c.first_name, c.last_name, s.site_url
FROM demo_customers AS c
JOIN demo_stores AS s ON s.account_id = c.account_id
WHERE c.account_id = @account_id
    AND c.profile_id = @profile_id;

-- name: DemoCustomerGetByEmail :one
SELECT c.profile_id, c.email, c.first_name, c.last_name, s.site_url
FROM demo_customers AS c
JOIN demo_stores AS s ON s.account_id = c.account_id
WHERE c.account_id = @account_id
    AND lower(c.email) = lower(@email::text);
