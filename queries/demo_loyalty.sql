-- name: DemoLoyaltyUpsert :exec
INSERT INTO demo_loyalty_balances (account_id, customer_id, points)
VALUES (@account_id, @customer_id, @points)
ON CONFLICT (account_id, customer_id) DO UPDATE
SET points = excluded.points;

-- name: DemoLoyaltyGet :one
SELECT l.points, s.site_url
FROM demo_loyalty_balances AS l
JOIN demo_stores AS s ON s.account_id = l.account_id
WHERE l.account_id = @account_id
    AND l.customer_id = @customer_id;
