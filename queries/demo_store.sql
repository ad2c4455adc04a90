-- name: DemoStoreUpsert :exec
INSERT INTO demo_stores (account_id, name, site_url, currency, return_window_days)
VALUES (@account_id, @name, @site_url, @currency, @return_window_days)
ON CONFLICT (account_id) DO UPDATE
SET name = excluded.name,
    site_url = excluded.site_url,
    currency = excluded.currency,
    return_window_days = excluded.return_window_days;
