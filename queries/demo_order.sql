-- name: DemoOrderUpsert :exec
INSERT INTO demo_orders (
    account_id, id, number, customer_id, placed_at, fulfillment_status, total_minor,
    line_items, shipments, shipping_address, delivered_at, cancelled_at
) VALUES (
    @account_id, @id, @number, @customer_id, @placed_at, @fulfillment_status, @total_minor,
    @line_items, @shipments, @shipping_address, sqlc.narg(delivered_at), sqlc.narg(cancelled_at)
)
ON CONFLICT (account_id, id) DO UPDATE
SET number = excluded.number,
    customer_id = excluded.customer_id,
    placed_at = excluded.placed_at,
    fulfillment_status = excluded.fulfillment_status,
    total_minor = excluded.total_minor,
    line_items = excluded.line_items,
    shipments = excluded.shipments,
    shipping_address = excluded.shipping_address,
    delivered_at = excluded.delivered_at,
    cancelled_at = excluded.cancelled_at;

-- name: DemoOrderListByCustomer :many
SELECT sqlc.embed(o), s.site_url, s.currency, s.return_window_days
FROM demo_orders AS o
JOIN demo_stores AS s ON s.account_id = o.account_id
WHERE o.account_id = @account_id
    AND o.customer_id = @customer_id
ORDER BY o.placed_at DESC, o.number DESC
LIMIT @max_rows;

-- name: DemoOrderGetByNumber :one
SELECT sqlc.embed(o), s.site_url, s.currency, s.return_window_days
FROM demo_orders AS o
JOIN demo_stores AS s ON s.account_id = o.account_id
WHERE o.account_id = @account_id
    AND o.customer_id = @customer_id
    AND o.number = @number;
