-- name: DemoCouponUpsert :exec
INSERT INTO demo_coupons (account_id, code, description, expires_at, minimum_minor, customer_id)
VALUES (@account_id, @code, @description, sqlc.narg(expires_at), sqlc.narg(minimum_minor), sqlc.narg(customer_id))
ON CONFLICT (account_id, code) DO UPDATE
SET description = excluded.description,
    expires_at = excluded.expires_at,
    minimum_minor = excluded.minimum_minor,
    customer_id = excluded.customer_id;

-- DemoCouponList returns the unexpired coupons of one customer, or the public coupons
-- when @customer_id is NULL, soonest expiry first.
-- name: DemoCouponList :many
SELECT c.code, c.description, c.expires_at, c.minimum_minor, c.customer_id, s.currency
FROM demo_coupons AS c
JOIN demo_stores AS s ON s.account_id = c.account_id
WHERE c.account_id = @account_id
    AND c.customer_id IS NOT DISTINCT FROM sqlc.narg(customer_id)::text
    AND (c.expires_at IS NULL OR c.expires_at > @now::timestamptz)
ORDER BY c.expires_at NULLS LAST, c.code
LIMIT 100;
