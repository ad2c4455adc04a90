package domain

import "time"

// CardType is the kind of a structured card.
type CardType string

// The card types.
const (
	// CardOrder shows an order.
	CardOrder CardType = "order"
	// CardCoupon shows a coupon.
	CardCoupon CardType = "coupon"
	// CardProduct shows a product.
	CardProduct CardType = "product"
	// CardLoyalty shows a loyalty balance.
	CardLoyalty CardType = "loyalty"
	// CardSubscription shows a subscription.
	CardSubscription CardType = "subscription"
	// CardReturn shows a return.
	CardReturn CardType = "return"
)

// Money is an amount in a currency's minor unit.
type Money struct {
	// MinorUnits is the amount in cents (or the currency's minor unit).
	MinorUnits int64 `json:"minor_units"`
	// Currency is the ISO 4217 code.
	Currency string `json:"currency"`
}

// CardAction is a button on a card: a link or a quick reply.
type CardAction struct {
	// Label is what the button says.
	Label string `json:"label"`
	// URL is the address it opens.
	URL string `json:"url,omitempty"`
	// QuickReplyID is the quick reply it sends.
	QuickReplyID string `json:"quick_reply_id,omitempty"`
}

// Card is a structured answer; exactly one detail matches Type.
type Card struct {
	// Type is the kind of card.
	Type CardType `json:"type"`
	// Title is the headline.
	Title string `json:"title"`
	// Subtitle is a second line.
	Subtitle string `json:"subtitle,omitempty"`
	// ImageURL is a picture.
	ImageURL string `json:"image_url,omitempty"`
	// Actions are the card's buttons.
	Actions []CardAction `json:"actions,omitempty"`
	// Order is set for CardOrder.
	Order *OrderCard `json:"order,omitempty"`
	// Coupon is set for CardCoupon.
	Coupon *CouponCard `json:"coupon,omitempty"`
	// Product is set for CardProduct.
	Product *ProductCard `json:"product,omitempty"`
	// Loyalty is set for CardLoyalty.
	Loyalty *LoyaltyCard `json:"loyalty,omitempty"`
	// Subscription is set for CardSubscription.
	Subscription *SubscriptionCard `json:"subscription,omitempty"`
	// Return is set for CardReturn.
	Return *ReturnCard `json:"return,omitempty"`
}

// LineItem is a product line of an order.
type LineItem struct {
	// Title is the product's title.
	Title string `json:"title"`
	// Variant is the variant's name.
	Variant string `json:"variant,omitempty"`
	// Quantity is how many.
	Quantity int `json:"quantity"`
	// ImageURL is a picture.
	ImageURL string `json:"image_url,omitempty"`
}

// Shipment is a parcel and its tracking.
type Shipment struct {
	// Carrier is the carrier's name.
	Carrier string `json:"carrier"`
	// TrackingNumber is the carrier's number.
	TrackingNumber string `json:"tracking_number"`
	// TrackingURL is the carrier's tracking page.
	TrackingURL string `json:"tracking_url,omitempty"`
	// Status is the shipment status in words.
	Status string `json:"status"`
	// EstimatedDelivery is when it is expected (zero if unknown).
	EstimatedDelivery time.Time `json:"estimated_delivery,omitzero"`
}

// OrderCard details an order.
type OrderCard struct {
	// OrderID is the store's id.
	OrderID string `json:"order_id"`
	// Number is the order's name ("#1001").
	Number string `json:"number"`
	// Status is the fulfillment status in words.
	Status string `json:"status"`
	// PlacedAt is when it was placed.
	PlacedAt time.Time `json:"placed_at"`
	// Total is the order total.
	Total Money `json:"total"`
	// LineItems are the products ordered.
	LineItems []LineItem `json:"line_items,omitempty"`
	// Shipments are its parcels.
	Shipments []Shipment `json:"shipments,omitempty"`
}

// CouponCard details a coupon.
type CouponCard struct {
	// Code is entered at checkout.
	Code string `json:"code"`
	// Description says what it gives.
	Description string `json:"description"`
	// ExpiresAt is when it expires (zero if never).
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	// MinimumSpend is the minimum order total.
	MinimumSpend *Money `json:"minimum_spend,omitempty"`
	// Personal is true for a coupon of this customer only.
	Personal bool `json:"personal,omitempty"`
}

// ProductCard details a product.
type ProductCard struct {
	// ProductID is the store's id.
	ProductID string `json:"product_id"`
	// Title is the product's title.
	Title string `json:"title"`
	// Description is a short description.
	Description string `json:"description,omitempty"`
	// Price is the price.
	Price Money `json:"price"`
	// URL is the product page.
	URL string `json:"url,omitempty"`
	// InStock is true when it can be bought now.
	InStock bool `json:"in_stock"`
}

// LoyaltyCard details a loyalty balance.
type LoyaltyCard struct {
	// Points is the balance.
	Points int64 `json:"points"`
	// Tier is the current tier.
	Tier string `json:"tier"`
	// NextTier is the next tier.
	NextTier string `json:"next_tier,omitempty"`
	// PointsToNextTier is how many points are still needed.
	PointsToNextTier int64 `json:"points_to_next_tier,omitempty"`
}

// SubscriptionCard details a subscription.
type SubscriptionCard struct {
	// SubscriptionID is the provider's id.
	SubscriptionID string `json:"subscription_id"`
	// ProductTitle is what is delivered.
	ProductTitle string `json:"product_title"`
	// Status is the status in words.
	Status string `json:"status"`
	// Interval says how often.
	Interval string `json:"interval"`
	// NextChargeAt is the next charge.
	NextChargeAt time.Time `json:"next_charge_at,omitzero"`
	// Price is the price per delivery.
	Price Money `json:"price"`
}

// ReturnCard details a return.
type ReturnCard struct {
	// OrderID is the store's order id.
	OrderID string `json:"order_id"`
	// OrderNumber is the order's name.
	OrderNumber string `json:"order_number"`
	// Eligible is true while the order can be returned.
	Eligible bool `json:"eligible"`
	// WindowEndsAt is the end of the return window.
	WindowEndsAt time.Time `json:"window_ends_at,omitzero"`
	// PortalURL is where to start the return.
	PortalURL string `json:"portal_url,omitempty"`
	// PolicySummary is the relevant policy passage.
	PolicySummary string `json:"policy_summary,omitempty"`
}
