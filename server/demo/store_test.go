package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tandemhq/tandem/server/account"
	"github.com/tandemhq/tandem/server/demo"
	"github.com/tandemhq/tandem/server/tools"
	"github.com/tandemhq/tandem/store"
	"github.com/tandemhq/tandem/store/storetest"
)

func TestSeedStore(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := storetest.Pool(t)
	st := store.New(pool)
	created, err := account.Create(ctx, st, "Northwind Outfitters", "Hi!")
	if err != nil {
		t.Fatal(err)
	}
	accountID := created.Account.ID
	first := time.Now().Add(-time.Hour)
	if err := demo.SeedStore(ctx, st, accountID, first); err != nil {
		t.Fatal(err)
	}
	counts := rowCounts(ctx, t, pool)
	now := time.Now()
	if err := demo.SeedStore(ctx, st, accountID, now); err != nil {
		t.Fatalf("seeding again: %v", err)
	}
	if again := rowCounts(ctx, t, pool); again != counts {
		t.Errorf("rows after seeding twice = %v, after once %v", again, counts)
	}
	if counts.products < 30 || counts.customers < 5 {
		t.Errorf("seeded %d products and %d customers, want about 30 and the 2 demo customers plus 3 or more", counts.products, counts.customers)
	}

	shop := st.DemoStore(accountID)
	ava, err := shop.CustomerByEmail(ctx, "ava.chen@example.com")
	if err != nil || ava.ProfileID != "cust_1001" || ava.FirstName != "Ava" || ava.LastName != "Chen" {
		t.Fatalf("Ava = %+v, %v", ava, err)
	}
	marcus, err := shop.CustomerByID(ctx, "cust_1002")
	if err != nil || marcus.Email != "marcus.reed@example.com" || marcus.FirstName != "Marcus" {
		t.Fatalf("Marcus = %+v, %v", marcus, err)
	}

	// The second seeding moved the dates to the new now: #1045 was placed 20 minutes ago.
	orders, err := shop.RecentOrders(ctx, ava, 10)
	if err != nil || len(orders) != 4 {
		t.Fatalf("Ava's orders = %+v, %v, want 4", orders, err)
	}
	if age := now.Sub(orders[0].PlacedAt); orders[0].Number != "#1045" || age < 19*time.Minute || age > 21*time.Minute {
		t.Errorf("latest order %s placed %v ago, want #1045 20 minutes ago", orders[0].Number, age)
	}
	wantStatus := map[string]string{"#1045": "unfulfilled", "#1042": "fulfilled", "#1037": "delivered", "#1029": "delivered"}
	for _, o := range orders {
		if o.FulfillmentStatus != wantStatus[o.Number] {
			t.Errorf("%s is %s, want %s", o.Number, o.FulfillmentStatus, wantStatus[o.Number])
		}
	}
	parka, err := shop.OrderByNumber(ctx, marcus, "#1040")
	if err != nil {
		t.Fatal(err)
	}
	opt, err := shop.ReturnOption(ctx, marcus, parka)
	if err != nil || opt.Eligible || len(opt.FinalSaleItems) != 1 {
		t.Errorf("Marcus's #1040 return = %+v, %v, want not eligible (final sale)", opt, err)
	}
	subs, err := shop.Subscriptions(ctx, marcus)
	if err != nil || len(subs) != 1 || subs[0].ProductTitle != "Merino Trail Socks (3-pack)" || subs[0].Status != "paused" {
		t.Errorf("Marcus's subscriptions = %+v, %v", subs, err)
	}
	for _, tt := range []struct {
		customer tools.Customer
		points   int64
		tier     string
	}{{ava, 820, "Ridge"}, {marcus, 120, "Base Camp"}} {
		b, err := shop.Balance(ctx, tt.customer)
		if err != nil || b.Points != tt.points || b.Tier != tt.tier {
			t.Errorf("%s's balance = %+v, %v, want %d points, %s", tt.customer.FirstName, b, err, tt.points, tt.tier)
		}
	}
	public, err := shop.PublicCoupons(ctx)
	if err != nil || len(public) != 2 {
		t.Errorf("public coupons = %+v, %v, want WELCOME10 and TRAIL20", public, err)
	}
}

// tableCounts are the demo store's row counts.
type tableCounts struct {
	customers, products, orders, subscriptions, balances, coupons int
}

// rowCounts counts the demo store's rows.
func rowCounts(ctx context.Context, t *testing.T, pool *pgxpool.Pool) tableCounts {
	t.Helper()
	var c tableCounts
	err := pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM demo_customers), (SELECT count(*) FROM demo_products),
		(SELECT count(*) FROM demo_orders), (SELECT count(*) FROM demo_subscriptions),
		(SELECT count(*) FROM demo_loyalty_balances), (SELECT count(*) FROM demo_coupons)`).
		Scan(&c.customers, &c.products, &c.orders, &c.subscriptions, &c.balances, &c.coupons)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
