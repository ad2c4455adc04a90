package main

import (
	"context"
	"slices"
	"time"

	"github.com/tandemhq/tandem/server/app"
	"github.com/tandemhq/tandem/server/demo"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/integration"
	"github.com/tandemhq/tandem/server/knowledge"
)

// demoProviders are what the demo account connects: the built-in demo store (standing
// in for Shopify and the returns, subscription, loyalty and catalog providers) and
// Customer Hub.
var demoProviders = []domain.IntegrationProvider{domain.ProviderDemoStore, domain.ProviderCustomerHub}

// seedIntegrations connects the demo providers the account has not connected yet.
func seedIntegrations(ctx context.Context, svc *integration.Service, accountID string) error {
	all, err := svc.List(ctx, accountID)
	if err != nil {
		return err
	}
	for _, l := range all {
		in := l.Integration
		if in.Connected || !slices.Contains(demoProviders, in.Provider) {
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

// seedDemoData makes the demo account (created by seedDemo) ready to chat: its
// connected demo providers, the Northwind demo store and the Northwind help centre.
// Every step is idempotent, so a second `make run` changes nothing but the store's
// relative dates.
func seedDemoData(ctx context.Context, a *app.App, accountID string) error {
	if err := seedIntegrations(ctx, a.Integrations, accountID); err != nil {
		return err
	}
	if err := demo.SeedStore(ctx, a.Store, accountID, time.Now()); err != nil {
		return err
	}
	return seedKnowledge(ctx, a.Knowledge, accountID, demo.KnowledgeArticles())
}
