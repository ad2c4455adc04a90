package shopify

import (
	"context"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools"
)

// The tools a Client implements.
var (
	_ tools.Profiles = (*Client)(nil)
	_ tools.Orders   = (*Client)(nil)
	_ tools.Products = (*Client)(nil)
)

// customerGIDPrefix starts a customer's global id.
const customerGIDPrefix = "gid://shopify/Customer/"

// customerFields are the fields read of a customer.
const customerFields = `id email firstName lastName`

// customerNode is a customer as the queries read it.
type customerNode struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
}

// customer converts a customer node; the profile id is the numeric customer id.
func (n customerNode) customer() tools.Customer {
	return tools.Customer{
		ProfileID: strings.TrimPrefix(n.ID, customerGIDPrefix),
		Email:     n.Email,
		FirstName: n.FirstName,
		LastName:  n.LastName,
	}
}

// customerNumber returns the numeric id of a profile id given as a number or as a
// customer's global id, or false if it is neither.
func customerNumber(profileID string) (string, bool) {
	n := strings.TrimPrefix(strings.TrimSpace(profileID), customerGIDPrefix)
	if _, err := strconv.ParseUint(n, 10, 64); err != nil {
		return "", false
	}
	return n, true
}

// CustomerByID returns the customer with the id ("gid://shopify/Customer/123" or
// "123"). Returns ENotFound if the shop has no such customer.
func (c *Client) CustomerByID(ctx context.Context, profileID string) (tools.Customer, error) {
	n, ok := customerNumber(profileID)
	if !ok {
		return tools.Customer{}, domain.Errorf(domain.ENotFound, "customer %q not found", profileID)
	}
	var data struct {
		Customer *customerNode `json:"customer"`
	}
	q := `query Customer($id: ID!) { customer(id: $id) { ` + customerFields + ` } }`
	if err := c.query(ctx, q, map[string]any{"id": customerGIDPrefix + n}, &data); err != nil {
		return tools.Customer{}, err
	}
	if data.Customer == nil {
		return tools.Customer{}, domain.Errorf(domain.ENotFound, "customer %q not found", profileID)
	}
	return data.Customer.customer(), nil
}

// CustomerByEmail returns the customer with the email address, case-insensitively.
// Returns ENotFound if there is none.
func (c *Client) CustomerByEmail(ctx context.Context, email string) (tools.Customer, error) {
	email = strings.TrimSpace(email)
	if email == "" || strings.ContainsAny(email, "\"\\ ") {
		return tools.Customer{}, domain.Errorf(domain.ENotFound, "no customer has the email address %q", email)
	}
	var data struct {
		Customers struct {
			Nodes []customerNode `json:"nodes"`
		} `json:"customers"`
	}
	q := `query CustomerByEmail($query: String!) { customers(first: 1, query: $query) { nodes { ` + customerFields + ` } } }`
	if err := c.query(ctx, q, map[string]any{"query": `email:"` + email + `"`}, &data); err != nil {
		return tools.Customer{}, err
	}
	for _, n := range data.Customers.Nodes {
		if strings.EqualFold(n.Email, email) {
			return n.customer(), nil
		}
	}
	return tools.Customer{}, domain.Errorf(domain.ENotFound, "no customer has the email address %q", email)
}

// orderFields are the fields read of an order.
const orderFields = `id name createdAt cancelledAt displayFulfillmentStatus statusPageUrl
customer { id }
totalPriceSet { shopMoney { amount currencyCode } }
shippingAddress { name address1 address2 city provinceCode zip country }
lineItems(first: 50) { nodes { title variantTitle quantity image { url } } }
fulfillments(first: 10) { displayStatus estimatedDeliveryAt deliveredAt trackingInfo(first: 5) { company number url } }`

// moneyNode is a MoneyV2.
type moneyNode struct {
	Amount       string `json:"amount"`
	CurrencyCode string `json:"currencyCode"`
}

// orderNode is an order as the queries read it.
type orderNode struct {
	ID                       string     `json:"id"`
	Name                     string     `json:"name"`
	CreatedAt                time.Time  `json:"createdAt"`
	CancelledAt              *time.Time `json:"cancelledAt"`
	DisplayFulfillmentStatus string     `json:"displayFulfillmentStatus"`
	StatusPageURL            string     `json:"statusPageUrl"`
	Customer                 *struct {
		ID string `json:"id"`
	} `json:"customer"`
	TotalPriceSet struct {
		ShopMoney moneyNode `json:"shopMoney"`
	} `json:"totalPriceSet"`
	ShippingAddress *struct {
		Name         string `json:"name"`
		Address1     string `json:"address1"`
		Address2     string `json:"address2"`
		City         string `json:"city"`
		ProvinceCode string `json:"provinceCode"`
		Zip          string `json:"zip"`
		Country      string `json:"country"`
	} `json:"shippingAddress"`
	LineItems struct {
		Nodes []struct {
			Title        string `json:"title"`
			VariantTitle string `json:"variantTitle"`
			Quantity     int    `json:"quantity"`
			Image        *struct {
				URL string `json:"url"`
			} `json:"image"`
		} `json:"nodes"`
	} `json:"lineItems"`
	Fulfillments []struct {
		DisplayStatus       string     `json:"displayStatus"`
		EstimatedDeliveryAt *time.Time `json:"estimatedDeliveryAt"`
		DeliveredAt         *time.Time `json:"deliveredAt"`
		TrackingInfo        []struct {
			Company string `json:"company"`
			Number  string `json:"number"`
			URL     string `json:"url"`
		} `json:"trackingInfo"`
	} `json:"fulfillments"`
}

// order converts an order node.
func (n orderNode) order() (tools.Order, error) {
	total, err := money(n.TotalPriceSet.ShopMoney)
	if err != nil {
		return tools.Order{}, err
	}
	o := tools.Order{
		ID:                n.ID,
		Number:            n.Name,
		PlacedAt:          n.CreatedAt,
		FulfillmentStatus: n.fulfillmentStatus(),
		Total:             total,
		StatusURL:         n.StatusPageURL,
	}
	if n.CancelledAt != nil {
		o.CancelledAt = *n.CancelledAt
	}
	for _, li := range n.LineItems.Nodes {
		item := domain.LineItem{Title: li.Title, Variant: li.VariantTitle, Quantity: li.Quantity}
		if li.Image != nil {
			item.ImageURL = li.Image.URL
		}
		o.LineItems = append(o.LineItems, item)
	}
	for _, f := range n.Fulfillments {
		s := domain.Shipment{Status: statusWords(f.DisplayStatus)}
		if f.EstimatedDeliveryAt != nil {
			s.EstimatedDelivery = *f.EstimatedDeliveryAt
		}
		if len(f.TrackingInfo) == 0 {
			o.Shipments = append(o.Shipments, s)
		}
		for _, t := range f.TrackingInfo {
			s.Carrier, s.TrackingNumber, s.TrackingURL = t.Company, t.Number, t.URL
			o.Shipments = append(o.Shipments, s)
		}
	}
	if a := n.ShippingAddress; a != nil {
		var parts []string
		for _, p := range []string{a.Name, a.Address1, a.Address2, a.City, strings.TrimSpace(a.ProvinceCode + " " + a.Zip), a.Country} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		o.ShippingAddress = strings.Join(parts, ", ")
	}
	return o, nil
}

// fulfillmentStatus maps Shopify's display fulfillment status to the tools' words;
// a fulfilled order whose every fulfillment was delivered is "delivered".
func (n orderNode) fulfillmentStatus() string {
	if n.CancelledAt != nil {
		return "cancelled"
	}
	switch n.DisplayFulfillmentStatus {
	case "FULFILLED":
		for _, f := range n.Fulfillments {
			if f.DisplayStatus != "DELIVERED" {
				return "fulfilled"
			}
		}
		if len(n.Fulfillments) == 0 {
			return "fulfilled"
		}
		return "delivered"
	case "PARTIALLY_FULFILLED":
		return "partially_fulfilled"
	default:
		return "unfulfilled"
	}
}

// statusWords writes an enum value in words: IN_TRANSIT is "In transit".
func statusWords(enum string) string {
	if enum == "" {
		return ""
	}
	s := strings.ToLower(strings.ReplaceAll(enum, "_", " "))
	return strings.ToUpper(s[:1]) + s[1:]
}

// ordersQuery reads the orders matching a search, newest first.
const ordersQuery = `query Orders($first: Int!, $query: String!) {
  orders(first: $first, query: $query, sortKey: CREATED_AT, reverse: true) { nodes { ` + orderFields + ` } }
}`

// orders returns the orders of the customer matching the extra search terms.
func (c *Client) orders(ctx context.Context, customer tools.Customer, terms string, limit int) ([]orderNode, error) {
	n, ok := customerNumber(customer.ProfileID)
	if !ok {
		return nil, nil
	}
	var data struct {
		Orders struct {
			Nodes []orderNode `json:"nodes"`
		} `json:"orders"`
	}
	search := strings.TrimSpace("customer_id:" + n + " " + terms)
	if err := c.query(ctx, ordersQuery, map[string]any{"first": limit, "query": search}, &data); err != nil {
		return nil, err
	}
	// Keep only the customer's own orders, whatever the search matched.
	var own []orderNode
	for _, o := range data.Orders.Nodes {
		if o.Customer != nil && strings.TrimPrefix(o.Customer.ID, customerGIDPrefix) == n {
			own = append(own, o)
		}
	}
	return own, nil
}

// RecentOrders returns up to limit (at most 50) of the customer's orders, newest first.
func (c *Client) RecentOrders(ctx context.Context, customer tools.Customer, limit int) ([]tools.Order, error) {
	if limit <= 0 || limit > 50 {
		limit = 50
	}
	nodes, err := c.orders(ctx, customer, "", limit)
	if err != nil {
		return nil, err
	}
	orders := make([]tools.Order, 0, len(nodes))
	for _, n := range nodes {
		o, err := n.order()
		if err != nil {
			return nil, err
		}
		orders = append(orders, o)
	}
	return orders, nil
}

// OrderByNumber returns the customer's order named number ("#1001" or "1001").
// Returns ENotFound if the customer has no such order, including when another customer
// has.
func (c *Client) OrderByNumber(ctx context.Context, customer tools.Customer, number string) (tools.Order, error) {
	digits := strings.TrimPrefix(strings.TrimSpace(number), "#")
	if _, err := strconv.ParseUint(digits, 10, 64); err != nil {
		return tools.Order{}, domain.Errorf(domain.ENotFound, "order %s not found", number)
	}
	nodes, err := c.orders(ctx, customer, `name:"#`+digits+`"`, 5)
	if err != nil {
		return tools.Order{}, err
	}
	for _, n := range nodes {
		if strings.TrimPrefix(n.Name, "#") == digits {
			return n.order()
		}
	}
	return tools.Order{}, domain.Errorf(domain.ENotFound, "order #%s not found", digits)
}

// productsQuery searches the catalog by relevance.
const productsQuery = `query Products($first: Int!, $query: String!) {
  products(first: $first, query: $query, sortKey: RELEVANCE) {
    nodes { id title description onlineStoreUrl featuredImage { url } priceRangeV2 { minVariantPrice { amount currencyCode } } totalInventory tracksInventory tags productType }
  }
}`

// productNode is a product as the search reads it.
type productNode struct {
	ID             string  `json:"id"`
	Title          string  `json:"title"`
	Description    string  `json:"description"`
	OnlineStoreURL *string `json:"onlineStoreUrl"`
	FeaturedImage  *struct {
		URL string `json:"url"`
	} `json:"featuredImage"`
	PriceRangeV2 struct {
		MinVariantPrice moneyNode `json:"minVariantPrice"`
	} `json:"priceRangeV2"`
	TotalInventory  int      `json:"totalInventory"`
	TracksInventory bool     `json:"tracksInventory"`
	Tags            []string `json:"tags"`
	ProductType     string   `json:"productType"`
}

// SearchProducts returns up to limit (at most 50) active products matching any word of
// the query, most relevant first. Returns ENotFound when nothing matches.
func (c *Client) SearchProducts(ctx context.Context, query string, limit int) ([]tools.Product, error) {
	if limit <= 0 || limit > 50 {
		limit = 50
	}
	words := strings.FieldsFunc(strings.ToLower(query), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' })
	if len(words) == 0 {
		return nil, domain.Errorf(domain.ENotFound, "no product matches %q", query)
	}
	search := "(" + strings.Join(words, " OR ") + ") status:active"
	var data struct {
		Products struct {
			Nodes []productNode `json:"nodes"`
		} `json:"products"`
	}
	if err := c.query(ctx, productsQuery, map[string]any{"first": limit, "query": search}, &data); err != nil {
		return nil, err
	}
	if len(data.Products.Nodes) == 0 {
		return nil, domain.Errorf(domain.ENotFound, "no product matches %q", query)
	}
	products := make([]tools.Product, 0, len(data.Products.Nodes))
	for _, n := range data.Products.Nodes {
		price, err := money(n.PriceRangeV2.MinVariantPrice)
		if err != nil {
			return nil, err
		}
		p := tools.Product{
			ID:          n.ID,
			Title:       n.Title,
			Description: n.Description,
			Price:       price,
			InStock:     !n.TracksInventory || n.TotalInventory > 0,
			Tags:        n.Tags,
		}
		if n.ProductType != "" {
			p.Tags = append(p.Tags, n.ProductType)
		}
		if n.OnlineStoreURL != nil {
			p.URL = *n.OnlineStoreURL
		}
		if n.FeaturedImage != nil {
			p.ImageURL = n.FeaturedImage.URL
		}
		products = append(products, p)
	}
	return products, nil
}

// minorUnitDigits are the currencies whose minor unit is not a hundredth (ISO 4217).
var minorUnitDigits = map[string]int{
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
	"PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}

// money converts a MoneyV2 (a decimal string amount) to minor units.
func money(m moneyNode) (domain.Money, error) {
	r, ok := new(big.Rat).SetString(m.Amount)
	if !ok {
		return domain.Money{}, domain.Errorf(domain.EUnavailable, "Shopify sent an amount that is not a number: %q", m.Amount)
	}
	digits, ok := minorUnitDigits[m.CurrencyCode]
	if !ok {
		digits = 2
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)))
	f, _ := r.Float64()
	return domain.Money{MinorUnits: int64(math.Round(f)), Currency: m.CurrencyCode}, nil
}
