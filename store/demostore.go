package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools"
	"github.com/tandemhq/tandem/store/internal/dbsqlc"
)

// DemoStoreData is the content of an account's built-in demo store, as SeedDemoStore
// writes it. Amounts are in the store's currency, in minor units.
type DemoStoreData struct {
	// Name is the shop's name.
	Name string
	// SiteURL is the shop's website ("https://northwind.example"); Customer Hub pages
	// (/account/...) and the returns portal (/returns?order=N) hang off it.
	SiteURL string
	// Currency is the ISO 4217 code of every amount.
	Currency string
	// ReturnWindowDays is how many days after delivery an order can be returned.
	ReturnWindowDays int
	// Customers are the shop's customers.
	Customers []DemoCustomer
	// Products are the catalog.
	Products []DemoProduct
	// Orders are the customers' orders.
	Orders []DemoOrder
	// Subscriptions are the customers' recurring deliveries.
	Subscriptions []DemoSubscription
	// LoyaltyBalances are the customers' loyalty points.
	LoyaltyBalances []DemoLoyaltyBalance
	// Coupons are the public and personal discount codes.
	Coupons []DemoCoupon
}

// DemoCustomer is a customer of the demo store.
type DemoCustomer struct {
	// ProfileID is the brand's customer id ("cust_1001").
	ProfileID string
	// Email is the customer's email address.
	Email string
	// FirstName is the customer's first name.
	FirstName string
	// LastName is the customer's last name.
	LastName string
}

// DemoProduct is a product of the demo store's catalog.
type DemoProduct struct {
	// ID is the product's id (its handle).
	ID string
	// Title is the product's title.
	Title string
	// Description is a short description.
	Description string
	// PriceMinor is the price in minor units.
	PriceMinor int64
	// URL is the product page.
	URL string
	// ImageURL is a picture.
	ImageURL string
	// InStock is true when it can be bought now.
	InStock bool
	// Tags are the product's type and tags.
	Tags []string
	// FinalSale is true when it cannot be returned.
	FinalSale bool
}

// DemoOrder is an order of the demo store.
type DemoOrder struct {
	// ID is the order's id.
	ID string
	// Number is the order number (1045 for "#1045").
	Number int
	// CustomerID is the profile id of the customer who placed it.
	CustomerID string
	// PlacedAt is when it was placed.
	PlacedAt time.Time
	// FulfillmentStatus is "unfulfilled", "partially_fulfilled", "fulfilled",
	// "delivered" or "cancelled".
	FulfillmentStatus string
	// TotalMinor is the order total in minor units.
	TotalMinor int64
	// LineItems are the products ordered.
	LineItems []DemoLineItem
	// Shipments are its parcels with tracking.
	Shipments []domain.Shipment
	// ShippingAddress is the address in one line.
	ShippingAddress string
	// DeliveredAt is when it was delivered (zero if not yet); the return window
	// starts then.
	DeliveredAt time.Time
	// CancelledAt is when it was cancelled (zero if not).
	CancelledAt time.Time
}

// DemoLineItem is a product line of a demo order.
type DemoLineItem struct {
	domain.LineItem
	// FinalSale is true when the item cannot be returned.
	FinalSale bool `json:"final_sale,omitempty"`
}

// DemoSubscription is a recurring delivery of the demo store.
type DemoSubscription struct {
	// ID is the subscription's id.
	ID string
	// CustomerID is the subscriber's profile id.
	CustomerID string
	// ProductTitle is what is delivered.
	ProductTitle string
	// Status is "active", "paused" or "cancelled".
	Status string
	// IntervalDays is the number of days between deliveries.
	IntervalDays int
	// NextChargeAt is the next charge (zero when none is scheduled).
	NextChargeAt time.Time
	// PriceMinor is the price per delivery in minor units.
	PriceMinor int64
}

// DemoLoyaltyBalance is a customer's loyalty points in the demo store.
type DemoLoyaltyBalance struct {
	// CustomerID is the member's profile id.
	CustomerID string
	// Points is the balance.
	Points int64
}

// DemoCoupon is a discount code of the demo store.
type DemoCoupon struct {
	// Code is entered at checkout.
	Code string
	// Description says what it gives.
	Description string
	// ExpiresAt is when it expires (zero if never).
	ExpiresAt time.Time
	// MinimumMinor is the minimum order total in minor units (0 if none).
	MinimumMinor int64
	// CustomerID is the one customer who may use it; empty for a public coupon.
	CustomerID string
}

// SeedDemoStore writes d as account accountID's demo store in one transaction. Rows are
// upserted by their ids, so seeding again updates them (dates included) and duplicates
// nothing. Returns ENotFound if the account does not exist.
func (s *Store) SeedDemoStore(ctx context.Context, accountID string, d DemoStoreData) error {
	account, err := parseID("account id", accountID)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return s.seedDemoStore(ctx, tx, account, d)
	})
	if isForeignKeyViolation(err) {
		return domain.Errorf(domain.ENotFound, "account not found")
	}
	return interpret(err, "demo store")
}

// seedDemoStore upserts d on tx.
func (s *Store) seedDemoStore(ctx context.Context, tx pgx.Tx, account pgtype.UUID, d DemoStoreData) error {
	q := s.queries
	err := q.DemoStoreUpsert(ctx, tx, dbsqlc.DemoStoreUpsertParams{
		AccountID: account, Name: d.Name, SiteURL: d.SiteURL, Currency: d.Currency,
		ReturnWindowDays: int32(d.ReturnWindowDays),
	})
	if err != nil {
		return err
	}
	for _, c := range d.Customers {
		err := q.DemoCustomerUpsert(ctx, tx, dbsqlc.DemoCustomerUpsertParams{
			AccountID: account, ProfileID: c.ProfileID, Email: c.Email, FirstName: c.FirstName, LastName: c.LastName,
		})
		if err != nil {
			return err
		}
	}
	for _, p := range d.Products {
		err := q.DemoProductUpsert(ctx, tx, dbsqlc.DemoProductUpsertParams{
			AccountID: account, ID: p.ID, Title: p.Title, Description: p.Description, PriceMinor: p.PriceMinor,
			URL: p.URL, ImageURL: p.ImageURL, InStock: p.InStock, Tags: p.Tags, FinalSale: p.FinalSale,
		})
		if err != nil {
			return err
		}
	}
	for _, o := range d.Orders {
		items, err := json.Marshal(o.LineItems)
		if err != nil {
			return err
		}
		shipments, err := json.Marshal(nonNil(o.Shipments))
		if err != nil {
			return err
		}
		err = q.DemoOrderUpsert(ctx, tx, dbsqlc.DemoOrderUpsertParams{
			AccountID: account, ID: o.ID, Number: int32(o.Number), CustomerID: o.CustomerID, PlacedAt: o.PlacedAt,
			FulfillmentStatus: o.FulfillmentStatus, TotalMinor: o.TotalMinor, LineItems: items, Shipments: shipments,
			ShippingAddress: o.ShippingAddress, DeliveredAt: timeOrNull(o.DeliveredAt), CancelledAt: timeOrNull(o.CancelledAt),
		})
		if err != nil {
			return err
		}
	}
	for _, sub := range d.Subscriptions {
		err := q.DemoSubscriptionUpsert(ctx, tx, dbsqlc.DemoSubscriptionUpsertParams{
			AccountID: account, ID: sub.ID, CustomerID: sub.CustomerID, ProductTitle: sub.ProductTitle, Status: sub.Status,
			IntervalDays: int32(sub.IntervalDays), NextChargeAt: timeOrNull(sub.NextChargeAt), PriceMinor: sub.PriceMinor,
		})
		if err != nil {
			return err
		}
	}
	for _, l := range d.LoyaltyBalances {
		err := q.DemoLoyaltyUpsert(ctx, tx, dbsqlc.DemoLoyaltyUpsertParams{AccountID: account, CustomerID: l.CustomerID, Points: l.Points})
		if err != nil {
			return err
		}
	}
	for _, c := range d.Coupons {
		p := dbsqlc.DemoCouponUpsertParams{AccountID: account, Code: c.Code, Description: c.Description, ExpiresAt: timeOrNull(c.ExpiresAt)}
		if c.MinimumMinor > 0 {
			p.MinimumMinor = &c.MinimumMinor
		}
		if c.CustomerID != "" {
			p.CustomerID = &c.CustomerID
		}
		if err := q.DemoCouponUpsert(ctx, tx, p); err != nil {
			return err
		}
	}
	return nil
}

// DemoStore is the built-in demo store of one account, read through Tandem's own
// tables. It implements tools.Profiles, Orders, Returns, Subscriptions, Loyalty,
// Coupons and Products; every method reads only its account's rows, and a customer's
// orders, subscriptions, points and coupons only their own.
type DemoStore struct {
	store     *Store
	accountID string
}

// The tools the demo store implements.
var (
	_ tools.Profiles      = (*DemoStore)(nil)
	_ tools.Orders        = (*DemoStore)(nil)
	_ tools.Returns       = (*DemoStore)(nil)
	_ tools.Subscriptions = (*DemoStore)(nil)
	_ tools.Loyalty       = (*DemoStore)(nil)
	_ tools.Coupons       = (*DemoStore)(nil)
	_ tools.Products      = (*DemoStore)(nil)
)

// DemoStore returns account accountID's demo store. Its methods return ENotFound when
// the account has no demo store or nothing matches.
func (s *Store) DemoStore(accountID string) *DemoStore {
	return &DemoStore{store: s, accountID: accountID}
}

// account parses the store's account id.
func (d *DemoStore) account() (pgtype.UUID, error) {
	return parseID("account id", d.accountID)
}

// CustomerByID returns the customer with the profile id. Returns ENotFound if there is
// none.
func (d *DemoStore) CustomerByID(ctx context.Context, profileID string) (tools.Customer, error) {
	account, err := d.account()
	if err != nil {
		return tools.Customer{}, err
	}
	row, err := d.store.queries.DemoCustomerGet(ctx, d.store.pool, dbsqlc.DemoCustomerGetParams{AccountID: account, ProfileID: profileID})
	if err != nil {
		return tools.Customer{}, interpret(err, "customer")
	}
	return demoCustomer(dbsqlc.DemoCustomerGetByEmailRow(row)), nil
}

// CustomerByEmail returns the customer with the email address, case-insensitively.
// Returns ENotFound if there is none.
func (d *DemoStore) CustomerByEmail(ctx context.Context, email string) (tools.Customer, error) {
	account, err := d.account()
	if err != nil {
		return tools.Customer{}, err
	}
	row, err := d.store.queries.DemoCustomerGetByEmail(ctx, d.store.pool, dbsqlc.DemoCustomerGetByEmailParams{AccountID: account, Email: strings.TrimSpace(email)})
	if err != nil {
		return tools.Customer{}, interpret(err, "customer")
	}
	return demoCustomer(row), nil
}

// demoCustomer converts a customer row.
func demoCustomer(row dbsqlc.DemoCustomerGetByEmailRow) tools.Customer {
	return tools.Customer{
		ProfileID: row.ProfileID,
		Email:     row.Email,
		FirstName: row.FirstName,
		LastName:  row.LastName,
		HubURL:    row.SiteURL + "/account",
	}
}

// RecentOrders returns up to limit of the customer's orders, newest first (none if the
// customer has no orders).
func (d *DemoStore) RecentOrders(ctx context.Context, c tools.Customer, limit int) ([]tools.Order, error) {
	account, err := d.account()
	if err != nil {
		return nil, err
	}
	rows, err := d.store.queries.DemoOrderListByCustomer(ctx, d.store.pool, dbsqlc.DemoOrderListByCustomerParams{
		AccountID: account, CustomerID: c.ProfileID, MaxRows: limitParam(limit),
	})
	if err != nil {
		return nil, interpret(err, "order")
	}
	orders := make([]tools.Order, len(rows))
	for i, row := range rows {
		if orders[i], _, err = demoOrder(dbsqlc.DemoOrderGetByNumberRow(row)); err != nil {
			return nil, err
		}
	}
	return orders, nil
}

// OrderByNumber returns the customer's order with the number ("#1045" or "1045").
// Returns ENotFound if the customer has no such order, including when another
// customer has.
func (d *DemoStore) OrderByNumber(ctx context.Context, c tools.Customer, number string) (tools.Order, error) {
	row, err := d.orderRow(ctx, c, number)
	if err != nil {
		return tools.Order{}, err
	}
	o, _, err := demoOrder(row)
	return o, err
}

// orderRow reads the customer's order with the number.
func (d *DemoStore) orderRow(ctx context.Context, c tools.Customer, number string) (dbsqlc.DemoOrderGetByNumberRow, error) {
	account, err := d.account()
	if err != nil {
		return dbsqlc.DemoOrderGetByNumberRow{}, err
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(number), "#"), 10, 32)
	if err != nil {
		return dbsqlc.DemoOrderGetByNumberRow{}, domain.Errorf(domain.ENotFound, "order %s not found", number)
	}
	row, err := d.store.queries.DemoOrderGetByNumber(ctx, d.store.pool, dbsqlc.DemoOrderGetByNumberParams{
		AccountID: account, CustomerID: c.ProfileID, Number: int32(n),
	})
	if err != nil {
		return row, interpret(err, "order #"+strconv.FormatInt(n, 10))
	}
	return row, nil
}

// demoOrder converts an order row; it also returns the line items with their
// final-sale flags.
func demoOrder(row dbsqlc.DemoOrderGetByNumberRow) (tools.Order, []DemoLineItem, error) {
	o := row.DemoOrder
	var items []DemoLineItem
	if err := json.Unmarshal(o.LineItems, &items); err != nil {
		return tools.Order{}, nil, fmt.Errorf("store: order %s line items: %w", o.ID, err)
	}
	var shipments []domain.Shipment
	if err := json.Unmarshal(o.Shipments, &shipments); err != nil {
		return tools.Order{}, nil, fmt.Errorf("store: order %s shipments: %w", o.ID, err)
	}
	lineItems := make([]domain.LineItem, len(items))
	for i, it := range items {
		lineItems[i] = it.LineItem
	}
	return tools.Order{
		ID:                o.ID,
		Number:            "#" + strconv.Itoa(int(o.Number)),
		PlacedAt:          o.PlacedAt,
		FulfillmentStatus: o.FulfillmentStatus,
		Total:             domain.Money{MinorUnits: o.TotalMinor, Currency: row.Currency},
		LineItems:         lineItems,
		Shipments:         shipments,
		ShippingAddress:   o.ShippingAddress,
		CancelledAt:       timeOrZero(o.CancelledAt),
		StatusURL:         fmt.Sprintf("%s/account/orders/%d", row.SiteURL, o.Number),
	}, items, nil
}

// ReturnOption says whether the customer's order o can be returned: only once
// delivered, within the store's return window, and not final-sale items. The order is
// read again by its number, so another customer's order is ENotFound.
func (d *DemoStore) ReturnOption(ctx context.Context, c tools.Customer, o tools.Order) (tools.ReturnOption, error) {
	row, err := d.orderRow(ctx, c, o.Number)
	if err != nil {
		return tools.ReturnOption{}, err
	}
	order, items, err := demoOrder(row)
	if err != nil {
		return tools.ReturnOption{}, err
	}
	opt := tools.ReturnOption{PortalURL: fmt.Sprintf("%s/returns?order=%d", row.SiteURL, row.DemoOrder.Number)}
	var returnable int
	for _, it := range items {
		if it.FinalSale {
			opt.FinalSaleItems = append(opt.FinalSaleItems, it.Title)
		} else {
			returnable++
		}
	}
	days := int(row.ReturnWindowDays)
	delivered := timeOrZero(row.DemoOrder.DeliveredAt)
	switch {
	case row.DemoOrder.CancelledAt != nil:
		opt.Reason = fmt.Sprintf("Order %s was cancelled, so there is nothing to return.", order.Number)
	case delivered.IsZero():
		opt.Reason = fmt.Sprintf("Order %s has not been delivered yet; it can be returned within %d days of delivery.", order.Number, days)
	default:
		opt.WindowEndsAt = delivered.AddDate(0, 0, days)
		switch {
		case !time.Now().Before(opt.WindowEndsAt):
			opt.Reason = fmt.Sprintf("The %d-day return window for order %s ended on %s (it was delivered on %s).",
				days, order.Number, opt.WindowEndsAt.UTC().Format(dateLayout), delivered.UTC().Format(dateLayout))
		case returnable == 0:
			opt.Reason = fmt.Sprintf("Order %s contains only final-sale items (%s), and final-sale items cannot be returned or exchanged.",
				order.Number, strings.Join(opt.FinalSaleItems, ", "))
		default:
			opt.Eligible = true
		}
	}
	return opt, nil
}

// dateLayout writes dates in reasons ("January 2, 2026").
const dateLayout = "January 2, 2006"

// Subscriptions returns the customer's subscriptions, active ones first, then paused,
// then cancelled (none if the customer has none).
func (d *DemoStore) Subscriptions(ctx context.Context, c tools.Customer) ([]tools.Subscription, error) {
	account, err := d.account()
	if err != nil {
		return nil, err
	}
	rows, err := d.store.queries.DemoSubscriptionListByCustomer(ctx, d.store.pool, dbsqlc.DemoSubscriptionListByCustomerParams{
		AccountID: account, CustomerID: c.ProfileID,
	})
	if err != nil {
		return nil, interpret(err, "subscription")
	}
	subs := make([]tools.Subscription, len(rows))
	for i, row := range rows {
		sub := row.DemoSubscription
		subs[i] = tools.Subscription{
			ID:           sub.ID,
			ProductTitle: sub.ProductTitle,
			Status:       sub.Status,
			Interval:     fmt.Sprintf("every %d days", sub.IntervalDays),
			NextChargeAt: timeOrZero(sub.NextChargeAt),
			Price:        domain.Money{MinorUnits: sub.PriceMinor, Currency: row.Currency},
			ManageURL:    row.SiteURL + "/account/subscriptions",
		}
	}
	return subs, nil
}

// loyaltyTier is a tier of the demo store's loyalty program, reached at MinPoints.
type loyaltyTier struct {
	Name      string
	MinPoints int64
}

// loyaltyTiers are the demo loyalty program's tiers, lowest first.
var loyaltyTiers = []loyaltyTier{{"Base Camp", 0}, {"Ridge", 500}, {"Summit", 1500}}

// Balance returns the customer's points, tier and the points still needed for the next
// tier. Returns ENotFound if the customer is not a member.
func (d *DemoStore) Balance(ctx context.Context, c tools.Customer) (tools.LoyaltyBalance, error) {
	account, err := d.account()
	if err != nil {
		return tools.LoyaltyBalance{}, err
	}
	row, err := d.store.queries.DemoLoyaltyGet(ctx, d.store.pool, dbsqlc.DemoLoyaltyGetParams{AccountID: account, CustomerID: c.ProfileID})
	if err != nil {
		return tools.LoyaltyBalance{}, interpret(err, "loyalty balance")
	}
	b := tools.LoyaltyBalance{Points: row.Points, RewardsURL: row.SiteURL + "/account/rewards"}
	for i, t := range loyaltyTiers {
		if row.Points >= t.MinPoints {
			b.Tier, b.NextTier, b.PointsToNextTier = t.Name, "", 0
			if i+1 < len(loyaltyTiers) {
				b.NextTier = loyaltyTiers[i+1].Name
				b.PointsToNextTier = loyaltyTiers[i+1].MinPoints - row.Points
			}
		}
	}
	return b, nil
}

// PublicCoupons returns the unexpired coupons anyone may use, soonest expiry first.
func (d *DemoStore) PublicCoupons(ctx context.Context) ([]tools.Coupon, error) {
	return d.coupons(ctx, nil)
}

// PersonalCoupons returns the customer's own unexpired coupons, soonest expiry first.
func (d *DemoStore) PersonalCoupons(ctx context.Context, c tools.Customer) ([]tools.Coupon, error) {
	return d.coupons(ctx, &c.ProfileID)
}

// coupons lists the coupons of customerID, or the public ones when it is nil.
func (d *DemoStore) coupons(ctx context.Context, customerID *string) ([]tools.Coupon, error) {
	account, err := d.account()
	if err != nil {
		return nil, err
	}
	rows, err := d.store.queries.DemoCouponList(ctx, d.store.pool, dbsqlc.DemoCouponListParams{
		AccountID: account, CustomerID: customerID, Now: time.Now(),
	})
	if err != nil {
		return nil, interpret(err, "coupon")
	}
	coupons := make([]tools.Coupon, len(rows))
	for i, row := range rows {
		coupons[i] = tools.Coupon{
			Code:        row.Code,
			Description: row.Description,
			ExpiresAt:   timeOrZero(row.ExpiresAt),
			Personal:    row.CustomerID != nil,
		}
		if row.MinimumMinor != nil {
			coupons[i].MinimumSpend = &domain.Money{MinorUnits: *row.MinimumMinor, Currency: row.Currency}
		}
	}
	return coupons, nil
}

// productMinSimilarity is the trigram (strict word) similarity above which a product matches a
// query none of whose words it contains (a misspelling such as "jackett").
const productMinSimilarity = 0.45

// SearchProducts returns up to limit products matching the query, best first: by
// words (stemmed, so "boots" finds "boot") and by resemblance (so "jackett" finds
// "jacket"). Returns ENotFound when nothing matches.
func (d *DemoStore) SearchProducts(ctx context.Context, query string, limit int) ([]tools.Product, error) {
	account, err := d.account()
	if err != nil {
		return nil, err
	}
	rows, err := d.store.queries.DemoProductSearch(ctx, d.store.pool, dbsqlc.DemoProductSearchParams{
		AccountID: account, Query: strings.TrimSpace(query), MinSimilarity: productMinSimilarity, MaxRows: limitParam(limit),
	})
	if err != nil {
		return nil, interpret(err, "product")
	}
	if len(rows) == 0 {
		return nil, domain.Errorf(domain.ENotFound, "no product matches %q", query)
	}
	products := make([]tools.Product, len(rows))
	for i, row := range rows {
		products[i] = tools.Product{
			ID:          row.ID,
			Title:       row.Title,
			Description: row.Description,
			Price:       domain.Money{MinorUnits: row.PriceMinor, Currency: row.Currency},
			URL:         row.URL,
			ImageURL:    row.ImageURL,
			InStock:     row.InStock,
			Tags:        row.Tags,
		}
	}
	return products, nil
}

// isForeignKeyViolation reports whether err references a row that does not exist.
func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23503"
}

// nonNil returns s, or an empty slice for nil, so it is stored as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
