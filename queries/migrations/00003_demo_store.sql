-- The built-in demo store: a small shop (customers, orders with shipments, a product
-- catalog, subscriptions, loyalty balances, coupons and its return policy) kept in
-- Tandem's own database, so every skill can answer offline. Every table keys on
-- account_id first; each account has at most one demo store.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE demo_stores (
    account_id         uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    name               text NOT NULL,
    -- The shop's website; Customer Hub pages and the returns portal hang off it.
    site_url           text NOT NULL,
    currency           text NOT NULL CHECK (length(currency) = 3),
    -- Days after delivery during which an order can be returned.
    return_window_days integer NOT NULL CHECK (return_window_days > 0)
);

CREATE TABLE demo_customers (
    account_id uuid NOT NULL REFERENCES demo_stores (account_id) ON DELETE CASCADE,
    profile_id text NOT NULL,
    email      text NOT NULL,
    first_name text NOT NULL,
    last_name  text NOT NULL,
    PRIMARY KEY (account_id, profile_id)
);

CREATE UNIQUE INDEX demo_customers_email_idx ON demo_customers (account_id, lower(email));

CREATE TABLE demo_products (
    account_id  uuid NOT NULL REFERENCES demo_stores (account_id) ON DELETE CASCADE,
    id          text NOT NULL,
    title       text NOT NULL,
    description text NOT NULL,
    price_minor bigint NOT NULL CHECK (price_minor >= 0),
    url         text NOT NULL,
    image_url   text NOT NULL,
    in_stock    boolean NOT NULL,
    tags        text[] NOT NULL,
    -- Final-sale products cannot be returned.
    final_sale  boolean NOT NULL,
    -- Full-text document: title (weight A), tags (B), description (C).
    search      tsvector NOT NULL,
    -- Title and tags in lower case, for trigram matching of misspelt words (a demo
    -- catalog is small: the account's rows are compared one by one).
    search_text text NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE INDEX demo_products_search_idx ON demo_products USING gin (search);

CREATE TABLE demo_orders (
    account_id         uuid NOT NULL REFERENCES demo_stores (account_id) ON DELETE CASCADE,
    id                 text NOT NULL,
    -- The order number; its name is "#" followed by the number.
    number             integer NOT NULL,
    customer_id        text NOT NULL,
    placed_at          timestamptz NOT NULL,
    fulfillment_status text NOT NULL CHECK (fulfillment_status IN ('unfulfilled', 'partially_fulfilled', 'fulfilled', 'delivered', 'cancelled')),
    total_minor        bigint NOT NULL CHECK (total_minor >= 0),
    -- [{"title","variant","quantity","image_url","final_sale"}]
    line_items         jsonb NOT NULL,
    -- [{"carrier","tracking_number","tracking_url","status","estimated_delivery"}]
    shipments          jsonb NOT NULL,
    shipping_address   text NOT NULL,
    delivered_at       timestamptz,
    cancelled_at       timestamptz,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, number),
    FOREIGN KEY (account_id, customer_id) REFERENCES demo_customers (account_id, profile_id) ON DELETE CASCADE
);

CREATE INDEX demo_orders_customer_idx ON demo_orders (account_id, customer_id, placed_at DESC);

CREATE TABLE demo_subscriptions (
    account_id     uuid NOT NULL REFERENCES demo_stores (account_id) ON DELETE CASCADE,
    id             text NOT NULL,
    customer_id    text NOT NULL,
    product_title  text NOT NULL,
    status         text NOT NULL CHECK (status IN ('active', 'paused', 'cancelled')),
    interval_days  integer NOT NULL CHECK (interval_days > 0),
    next_charge_at timestamptz,
    price_minor    bigint NOT NULL CHECK (price_minor >= 0),
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, customer_id) REFERENCES demo_customers (account_id, profile_id) ON DELETE CASCADE
);

CREATE INDEX demo_subscriptions_customer_idx ON demo_subscriptions (account_id, customer_id);

CREATE TABLE demo_loyalty_balances (
    account_id  uuid NOT NULL,
    customer_id text NOT NULL,
    points      bigint NOT NULL CHECK (points >= 0),
    PRIMARY KEY (account_id, customer_id),
    FOREIGN KEY (account_id, customer_id) REFERENCES demo_customers (account_id, profile_id) ON DELETE CASCADE
);

CREATE TABLE demo_coupons (
    account_id    uuid NOT NULL REFERENCES demo_stores (account_id) ON DELETE CASCADE,
    code          text NOT NULL,
    description   text NOT NULL,
    expires_at    timestamptz,
    minimum_minor bigint CHECK (minimum_minor >= 0),
    -- The one customer who may use a personal coupon; NULL for a public coupon.
    customer_id   text,
    PRIMARY KEY (account_id, code),
    FOREIGN KEY (account_id, customer_id) REFERENCES demo_customers (account_id, profile_id) ON DELETE CASCADE
);

CREATE INDEX demo_coupons_customer_idx ON demo_coupons (account_id, customer_id);

-- +goose Down
DROP TABLE demo_coupons;
DROP TABLE demo_loyalty_balances;
DROP TABLE demo_subscriptions;
DROP TABLE demo_orders;
DROP TABLE demo_products;
DROP TABLE demo_customers;
DROP TABLE demo_stores;
