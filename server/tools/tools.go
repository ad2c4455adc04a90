// Package tools declares the tools skills call (profile lookup, order status, returns
// portal, subscriptions, loyalty, coupons, product search, knowledge search) as
// interfaces, with the shop data they return. Adapters live elsewhere: the built-in demo
// store over Tandem's own tables, and real providers (Shopify Admin GraphQL) over HTTP.
// Every tool of a Set is bound to one account when the Set is resolved, so no method
// takes an account id and none can read another account's data.
//
// Errors: a lookup that finds nothing returns an error with code domain.ENotFound; an
// unreachable or failing provider returns domain.EUnavailable.
package tools

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/server/domain"
)

// Customer is a shopper's profile.
type Customer struct {
	// ProfileID is the brand's customer id.
	ProfileID string
	// Email is the customer's email address.
	Email string
	// FirstName is the customer's first name.
	FirstName string
	// LastName is the customer's last name.
	LastName string
	// HubURL is the customer's Customer Hub (self-service account pages), if any.
	HubURL string
}

// Order is a placed order.
type Order struct {
	// ID is the store's id.
	ID string
	// Number is the order's name ("#1001").
	Number string
	// PlacedAt is when it was placed.
	PlacedAt time.Time
	// FulfillmentStatus is "unfulfilled", "partially_fulfilled", "fulfilled",
	// "delivered" or "cancelled".
	FulfillmentStatus string
	// Total is the order total.
	Total domain.Money
	// LineItems are the products ordered.
	LineItems []domain.LineItem
	// Shipments are its parcels with tracking.
	Shipments []domain.Shipment
	// ShippingAddress is the address in one line.
	ShippingAddress string
	// CancelledAt is when it was cancelled (zero if not).
	CancelledAt time.Time
	// StatusURL is the store's order status page.
	StatusURL string
}

// ReturnOption says whether and how an order can be returned.
type ReturnOption struct {
	// Eligible is true while the order can be returned or exchanged.
	Eligible bool
	// WindowEndsAt is the end of the return window (zero if unknown).
	WindowEndsAt time.Time
	// PortalURL is where the customer starts the return.
	PortalURL string
	// Reason says in words why the order is not eligible, if it is not.
	Reason string
	// FinalSaleItems are the titles of the order's final-sale items, which cannot be
	// returned even while the rest of the order can.
	FinalSaleItems []string
}

// Subscription is a recurring delivery.
type Subscription struct {
	// ID is the provider's id.
	ID string
	// ProductTitle is what is delivered.
	ProductTitle string
	// Status is "active", "paused" or "cancelled".
	Status string
	// Interval says how often ("every 30 days").
	Interval string
	// NextChargeAt is the next charge (zero when none is scheduled).
	NextChargeAt time.Time
	// Price is the price per delivery.
	Price domain.Money
	// ManageURL is where the customer manages it.
	ManageURL string
}

// LoyaltyBalance is a customer's loyalty standing.
type LoyaltyBalance struct {
	// Points is the balance.
	Points int64
	// Tier is the current tier.
	Tier string
	// NextTier is the next tier (empty at the top).
	NextTier string
	// PointsToNextTier is how many points are still needed.
	PointsToNextTier int64
	// RewardsURL is where the customer redeems points.
	RewardsURL string
}

// Coupon is a discount code.
type Coupon struct {
	// Code is entered at checkout.
	Code string
	// Description says what it gives.
	Description string
	// ExpiresAt is when it expires (zero if never).
	ExpiresAt time.Time
	// MinimumSpend is the minimum order total, if any.
	MinimumSpend *domain.Money
	// Personal is true for a coupon of one customer only.
	Personal bool
}

// Product is a product of the catalog.
type Product struct {
	// ID is the store's id.
	ID string
	// Title is the product's title.
	Title string
	// Description is a short description.
	Description string
	// Price is the lowest price of its variants.
	Price domain.Money
	// URL is the product page.
	URL string
	// ImageURL is a picture.
	ImageURL string
	// InStock is true when it can be bought now.
	InStock bool
	// Tags are the product's tags and type, for matching.
	Tags []string
}

// Profiles looks up customers.
type Profiles interface {
	// CustomerByID returns the customer with the brand's profile id.
	CustomerByID(ctx context.Context, profileID string) (Customer, error)
	// CustomerByEmail returns the customer with the email address, case-insensitively.
	CustomerByEmail(ctx context.Context, email string) (Customer, error)
}

// Orders reads a customer's orders and their status.
type Orders interface {
	// RecentOrders returns the customer's latest orders, newest first.
	RecentOrders(ctx context.Context, c Customer, limit int) ([]Order, error)
	// OrderByNumber returns the customer's order with the number ("#1001" or "1001");
	// another customer's order is ENotFound.
	OrderByNumber(ctx context.Context, c Customer, number string) (Order, error)
}

// Returns tells whether an order can be returned and links to the returns portal.
type Returns interface {
	// ReturnOption returns the order's return eligibility and portal link.
	ReturnOption(ctx context.Context, c Customer, o Order) (ReturnOption, error)
}

// Subscriptions reads a customer's subscriptions.
type Subscriptions interface {
	// Subscriptions returns the customer's subscriptions, active ones first.
	Subscriptions(ctx context.Context, c Customer) ([]Subscription, error)
}

// Loyalty reads a customer's loyalty balance.
type Loyalty interface {
	// Balance returns the customer's points and tier.
	Balance(ctx context.Context, c Customer) (LoyaltyBalance, error)
}

// Coupons finds coupons.
type Coupons interface {
	// PublicCoupons returns the coupons anyone may use, soonest expiry first.
	PublicCoupons(ctx context.Context) ([]Coupon, error)
	// PersonalCoupons returns the customer's own coupons.
	PersonalCoupons(ctx context.Context, c Customer) ([]Coupon, error)
}

// Products searches the product catalog.
type Products interface {
	// SearchProducts returns the products best matching the query, best first.
	SearchProducts(ctx context.Context, query string, limit int) ([]Product, error)
}

// Knowledge searches the account's knowledge base.
type Knowledge interface {
	// SearchKnowledge returns the passages best answering the query, best first,
	// from articles of the given topics (all topics when none are given).
	SearchKnowledge(ctx context.Context, query string, topics []domain.KnowledgeTopic, limit int) ([]domain.KnowledgePassage, error)
}

// Set is the tools of one account. A nil tool is not connected: the skill that needs it
// is unavailable, and the agent hands off instead of answering.
type Set struct {
	// Profiles looks up customers.
	Profiles Profiles
	// Orders reads orders.
	Orders Orders
	// Returns links to the returns portal.
	Returns Returns
	// Subscriptions reads subscriptions.
	Subscriptions Subscriptions
	// Loyalty reads loyalty balances.
	Loyalty Loyalty
	// Coupons finds coupons.
	Coupons Coupons
	// Products searches the catalog.
	Products Products
	// Knowledge searches the knowledge base.
	Knowledge Knowledge
}

// Resolver builds an account's tool set from its connected integrations.
type Resolver interface {
	// Tools returns the account's tools.
	Tools(ctx context.Context, accountID string) (Set, error)
}
