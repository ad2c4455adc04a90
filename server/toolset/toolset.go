// Package toolset resolves an account's tools from the integrations it has connected:
// the built-in demo store, Shopify, and the knowledge base.
package toolset

import (
	"context"
	"log/slog"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools"
	"github.com/tandemhq/tandem/server/tools/shopify"
	"github.com/tandemhq/tandem/store"
)

// Integrations lists an account's connected integrations with their decrypted
// credentials.
type Integrations interface {
	// Connected returns the account's connected integrations.
	Connected(ctx context.Context, accountID string) ([]domain.Integration, error)
}

// Resolver builds an account's tool set on every call from its connected integrations;
// it caches nothing itself, so connecting or disconnecting takes effect at the next turn
// unless Integrations caches (the server's does, per replica: see package accountcache).
//
//   - The demo store (domain.ProviderDemoStore) gives every tool but Knowledge.
//   - Shopify (domain.ProviderShopify) gives Profiles, Orders and Products, in place of
//     the demo store's when both are connected.
//   - Knowledge comes from the Knowledge func, whatever is connected.
//
// Loop, AfterShip, Recharge, Smile and the product catalog sync have no adapter yet:
// connecting them alone leaves Returns, Subscriptions, Loyalty and Products nil.
type Resolver struct {
	// Integrations lists the account's connected integrations.
	Integrations Integrations
	// Store holds the demo store's tables.
	Store *store.Store
	// Knowledge returns the account's knowledge base search (nil: no Knowledge tool).
	Knowledge func(accountID string) tools.Knowledge
	// Shopify tunes the Shopify clients.
	Shopify shopify.Options
	// Logger logs integrations that cannot be used (default: slog.Default()).
	Logger *slog.Logger
}

var _ tools.Resolver = (*Resolver)(nil)

// Tools returns the tools of account accountID; a tool whose integration is not
// connected is nil.
func (r *Resolver) Tools(ctx context.Context, accountID string) (tools.Set, error) {
	integrations, err := r.Integrations.Connected(ctx, accountID)
	if err != nil {
		return tools.Set{}, err
	}
	var set tools.Set
	if r.Knowledge != nil {
		set.Knowledge = r.Knowledge(accountID)
	}
	connected := map[domain.IntegrationProvider]domain.Integration{}
	for _, in := range integrations {
		connected[in.Provider] = in
	}
	if _, ok := connected[domain.ProviderDemoStore]; ok {
		demo := r.Store.DemoStore(accountID)
		set.Profiles, set.Orders, set.Products = demo, demo, demo
		set.Returns, set.Subscriptions, set.Loyalty, set.Coupons = demo, demo, demo, demo
	}
	if in, ok := connected[domain.ProviderShopify]; ok {
		// A real shop's customers and orders are never answered from demo data.
		set.Profiles, set.Orders, set.Products = nil, nil, nil
		client, err := shopify.New(in, r.Shopify)
		if err != nil {
			r.logger().WarnContext(ctx, "toolset: Shopify is connected but unusable", "account_id", accountID, "error", err)
		} else {
			set.Profiles, set.Orders, set.Products = client, client, client
		}
	}
	return set, nil
}

// logger returns the resolver's logger.
func (r *Resolver) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.Default()
}
