package demo

import (
	"context"
	"slices"
	"time"

	"github.com/tandemhq/tandem/server/account"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/integration"
	"github.com/tandemhq/tandem/server/knowledge"
)

// The demo account: Northwind Outfitters, a store on the US East Coast.
const (
	// AccountName is the demo account's name.
	AccountName = "Northwind Outfitters (a demo outdoor-gear store)"
	// Greeting is the demo agent's first message.
	Greeting = "Hi! I'm the Northwind Outfitters assistant. I can track orders, start returns, find coupons and answer questions about our gear."
	// TimeZone is the demo account's time zone: its metrics' days, its business hours
	// and the dates its agent writes (TRAIL20 ends on January 31, 2027 there).
	TimeZone = "America/New_York"
	// SupportAgent names the demo's SUPPORT key: the inbox agent whose replies the visitor
	// sees.
	SupportAgent = "Jordan"
)

// CreateAccount creates a demo account (not yet seeded) with its keys.
func CreateAccount(ctx context.Context, st account.Creator) (account.Created, error) {
	return account.Create(ctx, st, AccountName, Greeting,
		account.WithTimeZone(TimeZone), account.WithKeyName(domain.RoleSupport, SupportAgent))
}

// Providers are what a demo account connects: the built-in demo store (standing in for
// Shopify and the returns, subscription, loyalty and catalog providers) and Customer
// Hub.
var Providers = []domain.IntegrationProvider{domain.ProviderDemoStore, domain.ProviderCustomerHub}

// Services are what Seed writes through.
type Services struct {
	// Integrations connects the demo providers.
	Integrations *integration.Service
	// Store holds the demo store's tables.
	Store StoreSeeder
	// Knowledge holds the help centre.
	Knowledge *knowledge.Service
}

// Seed makes an account ready to chat as Northwind Outfitters: the demo providers
// connected, the demo store written with dates relative to now, and the help centre's
// articles added. Every step is idempotent, so seeding again changes nothing but the
// store's relative dates.
func Seed(ctx context.Context, s Services, accountID string, now time.Time) error {
	if err := seedIntegrations(ctx, s.Integrations, accountID); err != nil {
		return err
	}
	if err := SeedStore(ctx, s.Store, accountID, now); err != nil {
		return err
	}
	return seedKnowledge(ctx, s.Knowledge, accountID, KnowledgeArticles())
}

// seedIntegrations connects the demo providers the account has not connected yet.
func seedIntegrations(ctx context.Context, svc *integration.Service, accountID string) error {
	all, err := svc.List(ctx, accountID)
	if err != nil {
		return err
	}
	for _, l := range all {
		in := l.Integration
		if in.Connected || !slices.Contains(Providers, in.Provider) {
			continue
		}
		if _, err := svc.Connect(ctx, accountID, integration.ConnectInput{Provider: in.Provider, Kind: integration.CredentialsNone}); err != nil {
			return err
		}
	}
	return nil
}

// seedKnowledge adds to the account's knowledge base the articles whose title it does not
// have yet, so seeding twice adds nothing.
func seedKnowledge(ctx context.Context, svc *knowledge.Service, accountID string, articles []domain.KnowledgeArticle) error {
	have := map[string]bool{}
	var after *domain.Position
	for {
		page, next, err := svc.List(ctx, accountID, "", after, 100)
		if err != nil {
			return err
		}
		for _, a := range page {
			have[a.Title] = true
		}
		if after = next; next == nil {
			break
		}
	}
	for _, a := range articles {
		if have[a.Title] {
			continue
		}
		if _, err := svc.Create(ctx, accountID, a); err != nil {
			return err
		}
		have[a.Title] = true
	}
	return nil
}
