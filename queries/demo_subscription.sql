-- name: DemoSubscriptionUpsert :exec
INSERT INTO demo_subscriptions (account_id, id, customer_id, product_title, status, interval_days, next_charge_at, price_minor)
VALUES (@account_id, @id, @customer_id, @product_title, @status, @interval_days, sqlc.narg(next_charge_at), @price_minor)
ON CONFLICT (account_id, id) DO UPDATE
SET customer_id = excluded.customer_id,
    product_title = excluded.product_title,
    status = excluded.status,
    interval_days = excluded.interval_days,
    next_charge_at = excluded.next_charge_at,
    price_minor = excluded.price_minor;

-- name: DemoSubscriptionListByCustomer :many
SELECT sqlc.embed(sub), s.site_url, s.currency
FROM demo_subscriptions AS sub
JOIN demo_stores AS s ON s.account_id = sub.account_id
WHERE sub.account_id = @account_id
    AND sub.customer_id = @customer_id
ORDER BY CASE sub.status WHEN 'active' THEN 0 WHEN 'paused' THEN 1 ELSE 2 END, sub.next_charge_at NULLS LAST, sub.id
LIMIT 100;
