package shopify_test

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools"
	"github.com/tandemhq/tandem/server/tools/shopify"
	"github.com/tandemhq/tandem/server/tools/shopify/shopifytest"
)

// fastRetries retry at once, so tests do not sleep.
var fastRetries = shopify.Options{MaxAttempts: 3, Backoff: time.Millisecond, Logger: slog.New(slog.DiscardHandler)}

// setup starts a fake Shopify and a client of it.
func setup(t *testing.T) (*shopifytest.Server, *shopify.Client) {
	t.Helper()
	fake := shopifytest.New(t)
	c, err := shopify.New(fake.Integration(), fastRetries)
	if err != nil {
		t.Fatal(err)
	}
	return fake, c
}

// wantCode fails t unless err is a domain error with code.
func wantCode(t *testing.T, err error, code domain.ErrorCode) {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != code {
		t.Fatalf("err = %v, want code %s", err, code)
	}
}

var ava = tools.Customer{ProfileID: "7001"}

func TestCustomers(t *testing.T) {
	t.Parallel()
	fake, c := setup(t)
	want := tools.Customer{ProfileID: "7001", Email: "ava.chen@example.com", FirstName: "Ava", LastName: "Chen"}
	for _, id := range []string{"7001", "gid://shopify/Customer/7001"} {
		got, err := c.CustomerByID(t.Context(), id)
		if err != nil || got != want {
			t.Errorf("CustomerByID(%q) = %+v, %v, want %+v", id, got, err, want)
		}
	}
	got, err := c.CustomerByEmail(t.Context(), "Ava.Chen@Example.com")
	if err != nil || got != want {
		t.Errorf("CustomerByEmail = %+v, %v, want %+v", got, err, want)
	}
	if reqs := fake.Requests(); reqs[len(reqs)-1].Variables["query"] != `email:"Ava.Chen@Example.com"` {
		t.Errorf("customers search = %v, want an email: term", reqs[len(reqs)-1].Variables)
	}

	_, err = c.CustomerByID(t.Context(), "9999")
	wantCode(t, err, domain.ENotFound)
	_, err = c.CustomerByEmail(t.Context(), "nobody@example.com")
	wantCode(t, err, domain.ENotFound)
	before := len(fake.Requests())
	_, err = c.CustomerByID(t.Context(), "cust_1001")
	wantCode(t, err, domain.ENotFound)
	_, err = c.CustomerByEmail(t.Context(), `x" OR email:*`)
	wantCode(t, err, domain.ENotFound)
	if n := len(fake.Requests()); n != before {
		t.Errorf("ids and emails Shopify cannot have were sent (%d requests)", n-before)
	}
}

func TestOrders(t *testing.T) {
	t.Parallel()
	fake, c := setup(t)
	orders, err := c.RecentOrders(t.Context(), ava, 10)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range orders {
		names = append(names, o.Number+" "+o.FulfillmentStatus)
	}
	if want := []string{"#1045 unfulfilled", "#1042 fulfilled", "#1038 cancelled", "#1037 delivered"}; !slices.Equal(names, want) {
		t.Errorf("RecentOrders = %q, want %q (newest first, Ava's only)", names, want)
	}
	req := fake.Requests()[0]
	if req.Variables["query"] != "customer_id:7001" || req.Variables["first"] != 10.0 ||
		!strings.Contains(req.Query, "sortKey: CREATED_AT, reverse: true") {
		t.Errorf("orders request = %+v", req)
	}

	got, err := c.OrderByNumber(t.Context(), ava, "#1042")
	if err != nil {
		t.Fatal(err)
	}
	want := tools.Order{
		ID:                "gid://shopify/Order/5042",
		Number:            "#1042",
		PlacedAt:          time.Date(2026, 11, 17, 10, 0, 0, 0, time.UTC),
		FulfillmentStatus: "fulfilled",
		Total:             domain.Money{MinorUnits: 18999, Currency: "USD"},
		LineItems:         []domain.LineItem{{Title: "Ridgeback Waterproof Hiking Boots", Variant: "Women's 8 / Brown", Quantity: 1, ImageURL: "https://cdn.shopify.com/s/files/1/ridgeback.jpg"}},
		Shipments: []domain.Shipment{{
			Carrier: "UPS", TrackingNumber: "1Z999AA10123456784", TrackingURL: "https://www.ups.com/track?tracknum=1Z999AA10123456784",
			Status: "In transit", EstimatedDelivery: time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC),
		}},
		ShippingAddress: "Ava Chen, 1428 SE Hawthorne Blvd, Apt 3, Portland, OR 97214, United States",
		StatusURL:       "https://northwind-demo.myshopify.com/90010/orders/aa42/authenticate?key=k42",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("OrderByNumber(#1042) =\n%+v\nwant\n%+v", got, want)
	}
	if q := fake.Requests()[1].Variables["query"]; q != `customer_id:7001 name:"#1042"` {
		t.Errorf("order search = %q", q)
	}

	delivered, err := c.OrderByNumber(t.Context(), ava, "1037")
	if err != nil || delivered.FulfillmentStatus != "delivered" || delivered.LineItems[1].Quantity != 2 ||
		delivered.Shipments[0].Status != "Delivered" || delivered.ShippingAddress != "" {
		t.Errorf("OrderByNumber(1037) = %+v, %v", delivered, err)
	}
	cancelled, err := c.OrderByNumber(t.Context(), ava, "1038")
	if err != nil || !cancelled.CancelledAt.Equal(time.Date(2026, 11, 6, 13, 0, 0, 0, time.UTC)) || cancelled.Total.MinorUnits != 4295 {
		t.Errorf("OrderByNumber(1038) = %+v, %v", cancelled, err)
	}

	// Marcus's order is not Ava's.
	_, err = c.OrderByNumber(t.Context(), ava, "#1040")
	wantCode(t, err, domain.ENotFound)
	if o, err := c.OrderByNumber(t.Context(), tools.Customer{ProfileID: "7002"}, "#1040"); err != nil || o.FulfillmentStatus != "delivered" {
		t.Errorf("Marcus's #1040 = %+v, %v", o, err)
	}
	_, err = c.OrderByNumber(t.Context(), ava, "#9999")
	wantCode(t, err, domain.ENotFound)
	_, err = c.OrderByNumber(t.Context(), ava, "my last order")
	wantCode(t, err, domain.ENotFound)
}

func TestSearchProducts(t *testing.T) {
	t.Parallel()
	fake, c := setup(t)
	products, err := c.SearchProducts(t.Context(), "Rain jacket?", 5)
	if err != nil {
		t.Fatal(err)
	}
	if q := fake.Requests()[0].Variables["query"]; q != "(rain OR jacket) status:active" {
		t.Errorf("products search = %q", q)
	}
	var titles []string
	for _, p := range products {
		titles = append(titles, p.Title)
	}
	if want := []string{"Stormline Rain Jacket", "Cascade Packable Rain Shell"}; !slices.Equal(titles, want) {
		t.Fatalf("SearchProducts = %q, want %q (active products only, best first)", titles, want)
	}
	want := tools.Product{
		ID: "gid://shopify/Product/301", Title: "Stormline Rain Jacket", Description: "Fully waterproof, breathable rain jacket.",
		Price: domain.Money{MinorUnits: 14900, Currency: "USD"}, URL: "https://northwind.example/products/stormline-rain-jacket",
		ImageURL: "https://cdn.shopify.com/s/files/1/stormline.jpg", InStock: true, Tags: []string{"rain jacket", "waterproof", "Jackets"},
	}
	if !reflect.DeepEqual(products[0], want) {
		t.Errorf("product = %+v, want %+v", products[0], want)
	}
	if products[1].InStock || products[1].ImageURL != "" {
		t.Errorf("sold-out product = %+v, want not in stock", products[1])
	}
	gift, err := c.SearchProducts(t.Context(), "gift card", 5)
	if err != nil || len(gift) != 1 || !gift[0].InStock || gift[0].URL != "" || gift[0].Price.MinorUnits != 2500 {
		t.Errorf("SearchProducts(gift card) = %+v, %v, want the untracked gift card in stock, without a page", gift, err)
	}
	_, err = c.SearchProducts(t.Context(), "quantum flux", 5)
	wantCode(t, err, domain.ENotFound)
	_, err = c.SearchProducts(t.Context(), "?!", 5)
	wantCode(t, err, domain.ENotFound)
}

func TestThrottledRetry(t *testing.T) {
	t.Parallel()
	fake, c := setup(t)
	fake.Inject(shopifytest.Fault{Throttled: true})
	start := time.Now()
	if _, err := c.CustomerByID(t.Context(), "7001"); err != nil {
		t.Fatalf("after one THROTTLED answer: %v", err)
	}
	// The bucket held 2 of the 12 points the query costs and refills 1000 a second;
	// the client waits at least its 100 ms floor, not the 1 ms backoff.
	if elapsed := time.Since(start); elapsed < 100*time.Millisecond || elapsed > 2*time.Second {
		t.Errorf("throttled call took %v, want the restore wait", elapsed)
	}
	if n := len(fake.Requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}

	fake.Inject(shopifytest.Fault{Throttled: true}, shopifytest.Fault{Throttled: true}, shopifytest.Fault{Throttled: true})
	_, err := c.CustomerByID(t.Context(), "7001")
	wantCode(t, err, domain.EUnavailable)
	if n := len(fake.Requests()); n != 5 {
		t.Errorf("%d requests, want 2 + 3 attempts", n)
	}
}

func TestHTTPErrors(t *testing.T) {
	t.Parallel()
	fake, c := setup(t)
	ctx := t.Context()

	wrong := fake.Integration()
	wrong.Credentials.AccessToken = "shpat_revoked"
	bad, err := shopify.New(wrong, fastRetries)
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.RecentOrders(ctx, ava, 5)
	wantCode(t, err, domain.EPermission)
	if !strings.Contains(err.Error(), "reconnect Shopify") {
		t.Errorf("401 message = %q, want it to tell the admin to reconnect Shopify", err)
	}

	fake.Inject(shopifytest.Fault{AccessDenied: true})
	_, err = c.RecentOrders(ctx, ava, 5)
	wantCode(t, err, domain.EPermission)
	if !strings.Contains(err.Error(), "read_orders") {
		t.Errorf("ACCESS_DENIED message = %q, want the scopes", err)
	}

	count := func() int { return len(fake.Requests()) }
	for _, tt := range []struct {
		name     string
		faults   []shopifytest.Fault
		code     domain.ErrorCode // "" for success
		requests int
	}{
		{"503 then success", []shopifytest.Fault{{Status: 503}}, "", 2},
		{"5xx every time", []shopifytest.Fault{{Status: 500}, {Status: 502}, {Status: 503}}, domain.EUnavailable, 3},
		{"429 honours Retry-After", []shopifytest.Fault{{Status: 429, RetryAfter: "0.05"}}, "", 2},
		{"429 asking too long a wait", []shopifytest.Fault{{Status: 429, RetryAfter: "3600"}}, domain.EUnavailable, 1},
		{"402 frozen shop", []shopifytest.Fault{{Status: 402}}, domain.EUnavailable, 1},
		{"423 locked shop", []shopifytest.Fault{{Status: 423}}, domain.EUnavailable, 1},
		{"403", []shopifytest.Fault{{Status: 403}}, domain.EPermission, 1},
	} {
		before := count()
		fake.Inject(tt.faults...)
		_, err := c.CustomerByID(ctx, "7001")
		if tt.code == "" && err != nil {
			t.Errorf("%s: %v", tt.name, err)
		} else if tt.code != "" && domain.CodeOf(err) != tt.code {
			t.Errorf("%s: err = %v, want %s", tt.name, err, tt.code)
		}
		if n := count() - before; n != tt.requests {
			t.Errorf("%s: %d requests, want %d", tt.name, n, tt.requests)
		}
		fake.Inject() // nothing left over
	}
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	fake, c := setup(t)
	fake.Inject(shopifytest.Fault{Delay: 5 * time.Second})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.SearchProducts(ctx, "boots", 5)
	wantCode(t, err, domain.EUnavailable)
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("gave up after %v, want the context's 100 ms", elapsed)
	}
}

func TestChecker(t *testing.T) {
	t.Parallel()
	fake := shopifytest.New(t)
	check := shopify.Checker{Options: fastRetries}
	if err := check.Check(t.Context(), fake.Integration()); err != nil {
		t.Fatalf("Check = %v", err)
	}
	if q := fake.Requests()[0].Query; !strings.Contains(q, "shop { name }") {
		t.Errorf("check query = %q", q)
	}

	in := fake.Integration()
	in.Credentials.AccessToken = "shpat_wrong"
	wantCode(t, check.Check(t.Context(), in), domain.EInvalid)
	in = fake.Integration()
	in.Credentials.ShopDomain = "evil.example.com"
	wantCode(t, check.Check(t.Context(), in), domain.EInvalid)
	in = fake.Integration()
	in.Credentials.AccessToken = ""
	wantCode(t, check.Check(t.Context(), in), domain.EInvalid)
	in = fake.Integration()
	in.APIBaseURL = fake.URL + "/nowhere"
	wantCode(t, check.Check(t.Context(), in), domain.EInvalid)

	fake.Inject(shopifytest.Fault{Status: 503}, shopifytest.Fault{Status: 503}, shopifytest.Fault{Status: 503})
	wantCode(t, check.Check(t.Context(), fake.Integration()), domain.EUnavailable)
}
