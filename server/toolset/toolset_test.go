package toolset_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/account"
	"github.com/tandemhq/tandem/server/demo"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools"
	"github.com/tandemhq/tandem/server/tools/shopify"
	"github.com/tandemhq/tandem/server/tools/shopify/shopifytest"
	"github.com/tandemhq/tandem/server/toolset"
	"github.com/tandemhq/tandem/store"
	"github.com/tandemhq/tandem/store/storetest"
)

// integrations are the connected integrations of each account.
type integrations map[string][]domain.Integration

func (in integrations) Connected(_ context.Context, accountID string) ([]domain.Integration, error) {
	if accountID == "broken" {
		return nil, domain.Errorf(domain.EUnavailable, "database unavailable")
	}
	return in[accountID], nil
}

// knowledgeOf is a knowledge base that remembers its account.
type knowledgeOf string

func (knowledgeOf) SearchKnowledge(context.Context, string, []domain.KnowledgeTopic, int) ([]domain.KnowledgePassage, error) {
	return nil, nil
}

// bound names the adapter behind each tool of a set ("demo", "shopify" or "").
func bound(set tools.Set) map[string]string {
	kind := func(tool any) string {
		switch tool.(type) {
		case *store.DemoStore:
			return "demo"
		case *shopify.Client:
			return "shopify"
		case nil:
			return ""
		}
		return "other"
	}
	return map[string]string{
		"profiles": kind(set.Profiles), "orders": kind(set.Orders), "returns": kind(set.Returns),
		"subscriptions": kind(set.Subscriptions), "loyalty": kind(set.Loyalty), "coupons": kind(set.Coupons),
		"products": kind(set.Products),
	}
}

func TestResolverChoices(t *testing.T) {
	t.Parallel()
	fake := shopifytest.New(t)
	demoStore := domain.Integration{Provider: domain.ProviderDemoStore, Connected: true}
	shop := fake.Integration()
	badShop := fake.Integration()
	badShop.Credentials.ShopDomain = "not a domain"
	r := &toolset.Resolver{
		Integrations: integrations{
			"demo":        {demoStore},
			"shopify":     {shop},
			"both":        {shop, demoStore},
			"providers":   {{Provider: domain.ProviderLoop, Connected: true}, {Provider: domain.ProviderRecharge, Connected: true}, {Provider: domain.ProviderSmile, Connected: true}},
			"bad-shopify": {badShop, demoStore},
		},
		Store:     store.New(nil),
		Knowledge: func(accountID string) tools.Knowledge { return knowledgeOf(accountID) },
		Logger:    slog.New(slog.DiscardHandler),
	}
	all := func(kind string) map[string]string {
		return map[string]string{"profiles": kind, "orders": kind, "returns": kind, "subscriptions": kind, "loyalty": kind, "coupons": kind, "products": kind}
	}
	withShopify := all("demo")
	withShopify["profiles"], withShopify["orders"], withShopify["products"] = "shopify", "shopify", "shopify"
	shopifyOnly := all("")
	shopifyOnly["profiles"], shopifyOnly["orders"], shopifyOnly["products"] = "shopify", "shopify", "shopify"
	demoWithoutShop := all("demo")
	demoWithoutShop["profiles"], demoWithoutShop["orders"], demoWithoutShop["products"] = "", "", ""

	for _, tt := range []struct {
		account string
		want    map[string]string
	}{
		{"nothing", all("")},
		{"demo", all("demo")},
		{"shopify", shopifyOnly},
		{"both", withShopify},
		{"providers", all("")},
		{"bad-shopify", demoWithoutShop},
	} {
		set, err := r.Tools(t.Context(), tt.account)
		if err != nil {
			t.Fatalf("%s: %v", tt.account, err)
		}
		if got := bound(set); !equal(got, tt.want) {
			t.Errorf("%s: tools = %v, want %v", tt.account, got, tt.want)
		}
		if set.Knowledge != knowledgeOf(tt.account) {
			t.Errorf("%s: knowledge = %v, want the account's", tt.account, set.Knowledge)
		}
	}

	// Shopify's tools reach the shop.
	set, _ := r.Tools(t.Context(), "both")
	orders, err := set.Orders.RecentOrders(t.Context(), tools.Customer{ProfileID: "7001"}, 2)
	if err != nil || len(orders) != 2 || orders[0].Number != "#1045" {
		t.Errorf("Shopify orders through the resolver = %+v, %v", orders, err)
	}

	_, err = r.Tools(t.Context(), "broken")
	if domain.CodeOf(err) != domain.EUnavailable {
		t.Errorf("Tools with failing integrations = %v, want EUnavailable", err)
	}
	r.Knowledge = nil
	if set, _ := r.Tools(t.Context(), "demo"); set.Knowledge != nil {
		t.Errorf("Knowledge without a knowledge func = %v", set.Knowledge)
	}
}

func equal(a, b map[string]string) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

func TestResolverBindsTheAccount(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	st := store.New(storetest.Pool(t))
	var ids []string
	for _, name := range []string{"Northwind", "Other"} {
		created, err := account.Create(ctx, st, name, "Hi!")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, created.Account.ID)
	}
	if err := demo.SeedStore(ctx, st, ids[0], time.Now()); err != nil {
		t.Fatal(err)
	}
	demoStore := domain.Integration{Provider: domain.ProviderDemoStore, Connected: true}
	r := &toolset.Resolver{Integrations: integrations{ids[0]: {demoStore}, ids[1]: {demoStore}}, Store: st}

	northwind, err := r.Tools(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if c, err := northwind.Profiles.CustomerByID(ctx, "cust_1001"); err != nil || c.FirstName != "Ava" {
		t.Errorf("Northwind's customer = %+v, %v", c, err)
	}
	other, err := r.Tools(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Profiles.CustomerByID(ctx, "cust_1001"); domain.CodeOf(err) != domain.ENotFound {
		t.Errorf("another account's demo store found Northwind's customer: %v", err)
	}
}
