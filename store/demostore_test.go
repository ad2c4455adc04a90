package store_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/demo"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools"
	"github.com/tandemhq/tandem/store"
	"github.com/tandemhq/tandem/store/storetest"
)

// demoBundle is a store with two accounts seeded with the Northwind demo store.
type demoBundle struct {
	*testBundle
	shop, other *store.DemoStore
	ava, marcus tools.Customer
	now         time.Time
}

// setupDemo seeds the demo store of two accounts, relative to the current time.
func setupDemo(t *testing.T) *demoBundle {
	t.Helper()
	b := setup(t)
	a, _, _ := createAccount(t, b)
	other, _, _ := createAccount(t, b)
	now := time.Now()
	for _, id := range []string{a.ID, other.ID} {
		if err := demo.SeedStore(b.ctx, b.store, id, now); err != nil {
			t.Fatal(err)
		}
	}
	d := &demoBundle{testBundle: b, shop: b.store.DemoStore(a.ID), other: b.store.DemoStore(other.ID), now: now}
	var err error
	if d.ava, err = d.shop.CustomerByID(b.ctx, "cust_1001"); err != nil {
		t.Fatal(err)
	}
	if d.marcus, err = d.shop.CustomerByEmail(b.ctx, "marcus.reed@example.com"); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDemoStoreProfiles(t *testing.T) {
	t.Parallel()
	d := setupDemo(t)
	want := tools.Customer{ProfileID: "cust_1001", Email: "ava.chen@example.com", FirstName: "Ava", LastName: "Chen", HubURL: "https://northwind.example/account"}
	if d.ava != want {
		t.Errorf("CustomerByID = %+v, want %+v", d.ava, want)
	}
	got, err := d.shop.CustomerByEmail(d.ctx, "  Ava.Chen@Example.COM ")
	if err != nil || got != want {
		t.Errorf("CustomerByEmail (other case) = %+v, %v, want %+v", got, err, want)
	}
	_, err = d.shop.CustomerByID(d.ctx, "cust_9999")
	wantCode(t, err, domain.ENotFound)
	_, err = d.shop.CustomerByEmail(d.ctx, "nobody@example.com")
	wantCode(t, err, domain.ENotFound)

	// An account without a demo store finds no one.
	a, _, _ := createAccount(t, d.testBundle)
	_, err = d.store.DemoStore(a.ID).CustomerByID(d.ctx, "cust_1001")
	wantCode(t, err, domain.ENotFound)
	_, err = d.store.DemoStore("not-an-id").CustomerByID(d.ctx, "cust_1001")
	wantCode(t, err, domain.EInvalid)
}

func TestDemoStoreOrders(t *testing.T) {
	t.Parallel()
	d := setupDemo(t)
	orders, err := d.shop.RecentOrders(d.ctx, d.ava, 10)
	if err != nil {
		t.Fatal(err)
	}
	var numbers []string
	for _, o := range orders {
		numbers = append(numbers, o.Number)
	}
	if want := []string{"#1045", "#1042", "#1037", "#1029"}; !slices.Equal(numbers, want) {
		t.Fatalf("RecentOrders = %v, want newest first %v", numbers, want)
	}
	if orders, _ := d.shop.RecentOrders(d.ctx, d.ava, 2); len(orders) != 2 {
		t.Errorf("RecentOrders(limit 2) returned %d orders", len(orders))
	}

	latest := orders[0]
	if latest.FulfillmentStatus != "unfulfilled" || len(latest.Shipments) != 0 ||
		d.now.Sub(latest.PlacedAt) < 19*time.Minute || d.now.Sub(latest.PlacedAt) > 21*time.Minute {
		t.Errorf("#1045 = %+v, want unfulfilled, placed 20 minutes ago", latest)
	}
	if latest.Total != (domain.Money{MinorUnits: 19100, Currency: "USD"}) || len(latest.LineItems) != 2 ||
		latest.LineItems[0].Title != "Stormline Rain Jacket" || latest.StatusURL != "https://northwind.example/account/orders/1045" ||
		!strings.Contains(latest.ShippingAddress, "Portland") {
		t.Errorf("#1045 = %+v", latest)
	}

	shipped, err := d.shop.OrderByNumber(d.ctx, d.ava, "1042")
	if err != nil {
		t.Fatal(err)
	}
	if len(shipped.Shipments) != 1 {
		t.Fatalf("#1042 shipments = %+v", shipped.Shipments)
	}
	s := shipped.Shipments[0]
	eta := s.EstimatedDelivery.Sub(d.now)
	if shipped.FulfillmentStatus != "fulfilled" || s.Carrier != "UPS" || s.TrackingNumber == "" ||
		!strings.HasPrefix(s.TrackingURL, "https://www.ups.com/") || s.Status != "In transit" || eta < 47*time.Hour || eta > 49*time.Hour {
		t.Errorf("#1042 = %+v, want UPS in transit arriving in 2 days", shipped)
	}
	if got, err := d.shop.OrderByNumber(d.ctx, d.ava, " #1042"); err != nil || got.ID != shipped.ID {
		t.Errorf(`OrderByNumber("#1042") = %+v, %v`, got, err)
	}

	// Another customer's order, a missing number, nonsense, and another account.
	for _, number := range []string{"#1040", "#9999", "latest"} {
		_, err = d.shop.OrderByNumber(d.ctx, d.ava, number)
		wantCode(t, err, domain.ENotFound)
	}
	_, err = d.shop.OrderByNumber(d.ctx, tools.Customer{ProfileID: "cust_1001"}, "1040")
	wantCode(t, err, domain.ENotFound)
	if orders, err := d.shop.RecentOrders(d.ctx, tools.Customer{ProfileID: "cust_9999"}, 10); err != nil || len(orders) != 0 {
		t.Errorf("RecentOrders(unknown customer) = %v, %v, want none", orders, err)
	}
	a, _, _ := createAccount(t, d.testBundle)
	_, err = d.store.DemoStore(a.ID).OrderByNumber(d.ctx, d.ava, "1042")
	wantCode(t, err, domain.ENotFound)
}

func TestDemoStoreReturnOption(t *testing.T) {
	t.Parallel()
	d := setupDemo(t)
	diego, err := d.shop.CustomerByID(d.ctx, "cust_1004")
	if err != nil {
		t.Fatal(err)
	}
	priya, err := d.shop.CustomerByID(d.ctx, "cust_1003")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		customer   tools.Customer
		number     string
		eligible   bool
		reason     string // a part of the reason
		windowDays int    // days from now to the end of the window, if known
		finalSale  []string
	}{
		{"delivered 10 days ago", d.ava, "#1037", true, "", 20, nil},
		{"delivered 45 days ago", d.ava, "#1029", false, "30-day return window for order #1029 ended on", -15, nil},
		{"not delivered yet", d.ava, "#1042", false, "has not been delivered yet", 0, nil},
		{"only a final-sale item", d.marcus, "#1040", false, "only final-sale items (Alpine Down Parka (Final sale)), and final-sale items cannot be returned", 25, []string{"Alpine Down Parka (Final sale)"}},
		{"with one final-sale item", diego, "#1041", true, "", 23, []string{"Northwind Logo Trail Cap (Final sale)"}},
		{"cancelled", priya, "#1038", false, "was cancelled", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt, err := d.shop.ReturnOption(d.ctx, tt.customer, tools.Order{Number: tt.number})
			if err != nil {
				t.Fatal(err)
			}
			if opt.Eligible != tt.eligible || !strings.Contains(opt.Reason, tt.reason) || (tt.eligible && opt.Reason != "") {
				t.Errorf("ReturnOption = %+v, want eligible %v, reason containing %q", opt, tt.eligible, tt.reason)
			}
			if want := "https://northwind.example/returns?order=" + strings.TrimPrefix(tt.number, "#"); opt.PortalURL != want {
				t.Errorf("PortalURL = %q, want %q", opt.PortalURL, want)
			}
			if !slices.Equal(opt.FinalSaleItems, tt.finalSale) {
				t.Errorf("FinalSaleItems = %q, want %q", opt.FinalSaleItems, tt.finalSale)
			}
			if tt.windowDays == 0 {
				if !opt.WindowEndsAt.IsZero() {
					t.Errorf("WindowEndsAt = %v, want none", opt.WindowEndsAt)
				}
			} else if days := opt.WindowEndsAt.Sub(d.now).Hours() / 24; days < float64(tt.windowDays)-0.1 || days > float64(tt.windowDays)+0.1 {
				t.Errorf("WindowEndsAt is %.1f days from now, want %d", days, tt.windowDays)
			}
		})
	}
	// The order is read again for its customer: another customer's order is not found,
	// whatever the caller passes.
	_, err = d.shop.ReturnOption(d.ctx, d.ava, tools.Order{Number: "#1040"})
	wantCode(t, err, domain.ENotFound)
}

func TestDemoStoreSubscriptionsLoyaltyCoupons(t *testing.T) {
	t.Parallel()
	d := setupDemo(t)
	subs, err := d.shop.Subscriptions(d.ctx, d.ava)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 1 {
		t.Fatalf("Ava's subscriptions = %+v, want one", subs)
	}
	coffee := subs[0]
	next := coffee.NextChargeAt.Sub(d.now)
	if coffee.ProductTitle != "Camp Coffee - Dark Roast 12 oz" || coffee.Status != "active" || coffee.Interval != "every 30 days" ||
		next < 9*24*time.Hour-time.Minute || next > 9*24*time.Hour+time.Minute ||
		coffee.Price != (domain.Money{MinorUnits: 1440, Currency: "USD"}) || coffee.ManageURL != "https://northwind.example/account/subscriptions" {
		t.Errorf("Ava's subscription = %+v", coffee)
	}
	subs, err = d.shop.Subscriptions(d.ctx, d.marcus)
	if err != nil || len(subs) != 1 || subs[0].Status != "paused" || !subs[0].NextChargeAt.IsZero() || subs[0].Interval != "every 60 days" {
		t.Errorf("Marcus's subscriptions = %+v, %v, want the paused socks", subs, err)
	}

	for _, tt := range []struct {
		customer string
		want     tools.LoyaltyBalance
	}{
		{"cust_1001", tools.LoyaltyBalance{Points: 820, Tier: "Ridge", NextTier: "Summit", PointsToNextTier: 680}},
		{"cust_1002", tools.LoyaltyBalance{Points: 120, Tier: "Base Camp", NextTier: "Ridge", PointsToNextTier: 380}},
		{"cust_1003", tools.LoyaltyBalance{Points: 1640, Tier: "Summit"}},
	} {
		tt.want.RewardsURL = "https://northwind.example/account/rewards"
		got, err := d.shop.Balance(d.ctx, tools.Customer{ProfileID: tt.customer})
		if err != nil || got != tt.want {
			t.Errorf("Balance(%s) = %+v, %v, want %+v", tt.customer, got, err, tt.want)
		}
	}
	_, err = d.shop.Balance(d.ctx, tools.Customer{ProfileID: "cust_9999"})
	wantCode(t, err, domain.ENotFound)

	public, err := d.shop.PublicCoupons(d.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(public) != 2 || public[0].Code != "TRAIL20" || public[1].Code != "WELCOME10" || public[0].Personal ||
		public[0].MinimumSpend == nil || *public[0].MinimumSpend != (domain.Money{MinorUnits: 15000, Currency: "USD"}) ||
		!public[1].ExpiresAt.IsZero() || public[1].MinimumSpend != nil {
		t.Errorf("PublicCoupons = %+v, want TRAIL20 (expiring first, $150 minimum) then WELCOME10", public)
	}
	personal, err := d.shop.PersonalCoupons(d.ctx, d.ava)
	if err != nil || len(personal) != 1 || personal[0].Code != "BDAY-AVA15" || !personal[0].Personal {
		t.Fatalf("Ava's PersonalCoupons = %+v, %v, want BDAY-AVA15 only", personal, err)
	}
	if days := personal[0].ExpiresAt.Sub(d.now).Hours() / 24; days < 19.9 || days > 20.1 {
		t.Errorf("BDAY-AVA15 expires in %.1f days, want 20", days)
	}
	if personal, err := d.shop.PersonalCoupons(d.ctx, d.marcus); err != nil || len(personal) != 0 {
		t.Errorf("Marcus's PersonalCoupons = %+v, %v, want none", personal, err)
	}

	// Another account's store has its own rows: an account without a demo store has none.
	a, _, _ := createAccount(t, d.testBundle)
	empty := d.store.DemoStore(a.ID)
	if subs, err := empty.Subscriptions(d.ctx, d.ava); err != nil || len(subs) != 0 {
		t.Errorf("Subscriptions in an account without a demo store = %+v, %v", subs, err)
	}
	if coupons, err := empty.PublicCoupons(d.ctx); err != nil || len(coupons) != 0 {
		t.Errorf("PublicCoupons in an account without a demo store = %+v, %v", coupons, err)
	}
	_, err = empty.Balance(d.ctx, d.ava)
	wantCode(t, err, domain.ENotFound)
}

func TestDemoStoreSearchProducts(t *testing.T) {
	t.Parallel()
	d := setupDemo(t)
	for _, tt := range []struct {
		query string
		first string // the best match's title contains this
	}{
		{"rain jacket", "Rain Jacket"},
		{"rain jackett", "Rain Jacket"},
		{"hiking boots", "Hiking Boots"},
		{"hikng boot", "Hiking Boots"},
		{"tents", "Tent"},
		{"fleece", "Fleece"},
		{"base layers", "Base Layer"},
		{"sleeping bags", "Sleeping Bag"},
		{"trail runners", "Trail Run"},
		{"coffee", "Camp Coffee"},
		{"something to keep water cold", "Bottle"},
	} {
		products, err := d.shop.SearchProducts(d.ctx, tt.query, 5)
		if err != nil {
			t.Errorf("SearchProducts(%q): %v", tt.query, err)
			continue
		}
		if !strings.Contains(products[0].Title, tt.first) {
			var titles []string
			for _, p := range products {
				titles = append(titles, p.Title)
			}
			t.Errorf("SearchProducts(%q) = %q, want %q first", tt.query, titles, tt.first)
		}
	}

	products, err := d.shop.SearchProducts(d.ctx, "stormline rain jacket", 1)
	if err != nil || len(products) != 1 {
		t.Fatalf("SearchProducts(limit 1) = %+v, %v", products, err)
	}
	want := tools.Product{
		ID: "stormline-rain-jacket", Title: "Stormline Rain Jacket", Price: domain.Money{MinorUnits: 14900, Currency: "USD"},
		URL: "https://northwind.example/products/stormline-rain-jacket", ImageURL: "https://northwind.example/images/products/stormline-rain-jacket.jpg",
		InStock: true,
	}
	got := products[0]
	if got.Description == "" || !slices.Contains(got.Tags, "waterproof") {
		t.Errorf("product = %+v, want a description and tags", got)
	}
	got.Description, got.Tags = "", nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("product = %+v, want %+v", got, want)
	}
	tents, err := d.shop.SearchProducts(d.ctx, "4-season tent", 5)
	if err != nil || !slices.ContainsFunc(tents, func(p tools.Product) bool { return p.Title == "Summit 4-Season Tent" && !p.InStock }) {
		t.Errorf("SearchProducts(4-season tent) = %+v, %v, want the sold-out Summit 4-Season Tent", tents, err)
	}

	for _, query := range []string{"quantum flux capacitor", "", "the"} {
		got, err := d.shop.SearchProducts(d.ctx, query, 5)
		if len(got) > 0 {
			t.Errorf("SearchProducts(%q) = %+v", query, got[0])
		}
		wantCode(t, err, domain.ENotFound)
	}
	a, _, _ := createAccount(t, d.testBundle)
	_, err = d.store.DemoStore(a.ID).SearchProducts(d.ctx, "rain jacket", 5)
	wantCode(t, err, domain.ENotFound)
}

func TestSeedDemoStoreUnknownAccount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	err := b.store.SeedDemoStore(b.ctx, newID(), demo.StoreData(time.Now()))
	wantCode(t, err, domain.ENotFound)
}

func BenchmarkDemoStoreSearchProducts(b *testing.B) {
	tb := &testBundle{ctx: b.Context(), pool: storetest.Pool(b)}
	tb.store = store.New(tb.pool)
	a := domain.Account{ID: newID(), Name: "Bench", SiteKey: "site_" + newID(), IdentitySecret: "s", Greeting: "Hi", TimeZone: "UTC", CreatedAt: base}
	if err := tb.store.CreateAccount(tb.ctx, a, nil); err != nil {
		b.Fatal(err)
	}
	if err := demo.SeedStore(tb.ctx, tb.store, a.ID, time.Now()); err != nil {
		b.Fatal(err)
	}
	shop := tb.store.DemoStore(a.ID)
	queries := []string{"rain jackett", "hiking boots", "something warm for camping", "coffee"}
	for i := 0; b.Loop(); i++ {
		if _, err := shop.SearchProducts(tb.ctx, queries[i%len(queries)], 5); err != nil {
			b.Fatal(err)
		}
	}
}
