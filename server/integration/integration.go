// Package integration connects an account to the systems its skills and handoffs use
// (the demo store, Customer Hub, Shopify, returns, subscription and loyalty providers,
// the product catalog, Zendesk and Gorgias).
//
// Connecting checks that the credentials have the provider's shape, then asks the
// provider's Checker (when one is registered) whether it accepts them; nothing is stored
// unless both pass. Credentials are stored sealed with AES-256-GCM (package seal), bound
// to the account and provider, and are handed out in the clear only by Connected, to the
// packages that call the providers. They never leave through List, Connect or
// Disconnect, and domain.Credentials redacts itself in logs.
package integration

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/seal"
	"github.com/tandemhq/tandem/server/skill"
	"github.com/tandemhq/tandem/store"
)

// Checker validates credentials with a provider before they are stored. It returns nil
// when the provider accepts them, an error with code domain.EUnavailable when the
// provider cannot be reached, and another domain error (EInvalid, EPermission,
// EUnauthenticated) when it refuses them, with a message saying why.
type Checker interface {
	// Check asks the provider whether in's credentials work.
	Check(ctx context.Context, in domain.Integration) error
}

// Store is the storage the Service needs.
type Store interface {
	// ConnectIntegration stores a connection, replacing an earlier one.
	ConnectIntegration(ctx context.Context, r store.IntegrationRecord) (store.IntegrationRecord, error)
	// DisconnectIntegration deletes a connection and reports whether there was one.
	DisconnectIntegration(ctx context.Context, accountID string, provider domain.IntegrationProvider) (bool, error)
	// Integrations returns the account's connections.
	Integrations(ctx context.Context, accountID string) ([]store.IntegrationRecord, error)
}

// CredentialKind is the shape of credentials a provider takes.
type CredentialKind string

// The credential kinds.
const (
	// CredentialsNone is for providers that take no credentials (the demo store, Customer Hub).
	CredentialsNone CredentialKind = "none"
	// CredentialsShopify is a shop domain and an Admin API access token.
	CredentialsShopify CredentialKind = "shopify"
	// CredentialsZendesk is a subdomain, an agent email and an API token.
	CredentialsZendesk CredentialKind = "zendesk"
	// CredentialsGorgias is a domain, a username and a REST API key.
	CredentialsGorgias CredentialKind = "gorgias"
	// CredentialsAPIKey is a single API key.
	CredentialsAPIKey CredentialKind = "api_key"
)

// provider describes what a provider is called and what it takes.
type provider struct {
	name  string
	kind  CredentialKind
	needs string // what its credentials are, in words
}

var providers = map[domain.IntegrationProvider]provider{
	domain.ProviderDemoStore:      {"The demo store", CredentialsNone, "no credentials"},
	domain.ProviderCustomerHub:    {"Customer Hub", CredentialsNone, "no credentials"},
	domain.ProviderShopify:        {"Shopify", CredentialsShopify, "shopify credentials: the shop domain and an Admin API access token"},
	domain.ProviderLoop:           {"Loop Returns", CredentialsAPIKey, "an API key"},
	domain.ProviderAfterShip:      {"AfterShip Returns", CredentialsAPIKey, "an API key"},
	domain.ProviderRecharge:       {"Recharge", CredentialsAPIKey, "an API key"},
	domain.ProviderSmile:          {"Smile.io", CredentialsAPIKey, "an API key"},
	domain.ProviderProductCatalog: {"Product catalog sync", CredentialsAPIKey, "an API key"},
	domain.ProviderZendesk:        {"Zendesk", CredentialsZendesk, "zendesk credentials: the subdomain, the agent email and an API token"},
	domain.ProviderGorgias:        {"Gorgias", CredentialsGorgias, "gorgias credentials: the domain, the username and a REST API key"},
}

// Service lists, connects and disconnects an account's integrations.
type Service struct {
	store    Store
	keys     *seal.Keyring
	checkers map[domain.IntegrationProvider]Checker
	logger   *slog.Logger
	now      func() time.Time
}

// NewService returns a Service storing credentials sealed with keys and checking them
// with the provider's checker, if any; providers without one get only the shape check.
// With nil keys, providers that take credentials cannot be connected.
func NewService(st Store, keys *seal.Keyring, checkers map[domain.IntegrationProvider]Checker, logger *slog.Logger) *Service {
	return &Service{store: st, keys: keys, checkers: checkers, logger: logger,
		now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }}
}

// Listed is a provider as an account sees it: connected or not (never with
// credentials), and the prerequisites it meets.
type Listed struct {
	// Integration is the provider's connection; Connected is false when there is none.
	Integration domain.Integration
	// Satisfies are the skill prerequisites it meets once connected.
	Satisfies []skill.Prerequisite
}

// List returns every provider in the contract's order, connected or not.
func (s *Service) List(ctx context.Context, accountID string) ([]Listed, error) {
	records, err := s.store.Integrations(ctx, accountID)
	if err != nil {
		return nil, err
	}
	connected := make(map[domain.IntegrationProvider]domain.Integration, len(records))
	for _, r := range records {
		connected[r.Integration.Provider] = r.Integration
	}
	all := skill.Providers()
	out := make([]Listed, len(all))
	for i, p := range all {
		in, ok := connected[p]
		if !ok {
			in = domain.Integration{AccountID: accountID, Provider: p}
		}
		out[i] = listed(in)
	}
	return out, nil
}

// ConnectInput is a provider to connect.
type ConnectInput struct {
	// Provider is the provider.
	Provider domain.IntegrationProvider
	// Kind is the shape of the credentials given.
	Kind CredentialKind
	// Credentials are the secrets, of the Kind's shape.
	Credentials domain.Credentials
	// APIBaseURL overrides the provider's API address (empty: the documented one).
	APIBaseURL string
}

// Connect connects the provider for the account, replacing an earlier connection.
// Returns EInvalid when the credentials are not the provider's kind or lack a field, or
// when the provider refuses them; EUnavailable when the provider cannot be reached to
// check them; EFailedPrecondition when the server has no encryption key. Nothing is
// stored unless every check passes.
func (s *Service) Connect(ctx context.Context, accountID string, in ConnectInput) (Listed, error) {
	p, ok := providers[in.Provider]
	if !ok {
		return Listed{}, domain.Errorf(domain.EInvalid, "unknown provider %q", in.Provider)
	}
	if in.Kind != p.kind {
		return Listed{}, domain.Errorf(domain.EInvalid, "%s takes %s", p.name, p.needs)
	}
	if err := checkShape(p, in.Kind, in.Credentials); err != nil {
		return Listed{}, err
	}
	var sealed []byte
	if p.kind != CredentialsNone {
		if s.keys == nil {
			return Listed{}, domain.Errorf(domain.EFailedPrecondition, "%s cannot be connected: this server has no encryption key for credentials (set TANDEM_ENCRYPTION_KEY)", p.name)
		}
		plain, err := json.Marshal(in.Credentials)
		if err != nil {
			return Listed{}, err
		}
		sealed = s.keys.Seal(plain, associatedData(accountID, in.Provider))
	}
	candidate := domain.Integration{
		AccountID: accountID, Provider: in.Provider, Connected: true, DisplayName: displayName(p, in.Kind, in.Credentials),
		APIBaseURL: in.APIBaseURL, Credentials: in.Credentials, ConnectedAt: s.now(),
	}
	if err := s.check(ctx, p, candidate); err != nil {
		return Listed{}, err
	}
	stored, err := s.store.ConnectIntegration(ctx, store.IntegrationRecord{Integration: candidate, SealedCredentials: sealed})
	if err != nil {
		return Listed{}, err
	}
	s.logger.InfoContext(ctx, "integration connected", "account_id", accountID, "provider", in.Provider, "display_name", stored.Integration.DisplayName)
	return listed(stored.Integration), nil
}

// check asks the provider's checker, if any, whether it accepts the credentials, and
// words its refusal for the person connecting.
func (s *Service) check(ctx context.Context, p provider, in domain.Integration) error {
	c, ok := s.checkers[in.Provider]
	if !ok {
		return nil
	}
	err := c.Check(ctx, in)
	var de *domain.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.As(err, &de) && de.Code == domain.EUnavailable:
		return &domain.Error{Code: domain.EUnavailable, RetryAfter: de.RetryAfter,
			Message: p.name + " could not be reached to check the credentials; nothing was saved, try again later (" + de.Message + ")"}
	case errors.As(err, &de):
		return domain.Errorf(domain.EInvalid, "%s did not accept these credentials; nothing was saved (%s)", p.name, de.Message)
	default:
		s.logger.WarnContext(ctx, "checking integration credentials failed", "provider", in.Provider, "error", err)
		return domain.Errorf(domain.EUnavailable, "%s could not be reached to check the credentials; nothing was saved, try again later", p.name)
	}
}

// Disconnect removes the account's connection to the provider and its credentials; a
// provider that was not connected stays so. It returns the provider, disconnected.
func (s *Service) Disconnect(ctx context.Context, accountID string, provider domain.IntegrationProvider) (Listed, error) {
	if _, ok := providers[provider]; !ok {
		return Listed{}, domain.Errorf(domain.EInvalid, "unknown provider %q", provider)
	}
	was, err := s.store.DisconnectIntegration(ctx, accountID, provider)
	if err != nil {
		return Listed{}, err
	}
	if was {
		s.logger.InfoContext(ctx, "integration disconnected", "account_id", accountID, "provider", provider)
	}
	return listed(domain.Integration{AccountID: accountID, Provider: provider}), nil
}

// Connected returns the account's connected integrations with their credentials in the
// clear, for the packages that call the providers (the tool resolver, the helpdesks).
// An integration whose credentials cannot be opened (its key was removed from the
// configuration) is left out and logged as an error.
func (s *Service) Connected(ctx context.Context, accountID string) ([]domain.Integration, error) {
	records, err := s.store.Integrations(ctx, accountID)
	if err != nil {
		return nil, err
	}
	out := make([]domain.Integration, 0, len(records))
	for _, r := range records {
		in := r.Integration
		if r.SealedCredentials != nil {
			if in.Credentials, err = s.open(in, r.SealedCredentials); err != nil {
				s.logger.ErrorContext(ctx, "cannot open integration credentials: is the key that sealed them still configured?",
					"account_id", accountID, "provider", in.Provider, "error", err)
				continue
			}
		}
		out = append(out, in)
	}
	return out, nil
}

// open decrypts an integration's sealed credentials.
func (s *Service) open(in domain.Integration, sealed []byte) (domain.Credentials, error) {
	var c domain.Credentials
	if s.keys == nil {
		return c, errors.New("no encryption key configured")
	}
	plain, err := s.keys.Open(sealed, associatedData(in.AccountID, in.Provider))
	if err != nil {
		return c, err
	}
	return c, json.Unmarshal(plain, &c)
}

// associatedData binds sealed credentials to their account and provider.
func associatedData(accountID string, p domain.IntegrationProvider) []byte {
	return []byte("tandem integration " + accountID + " " + string(p))
}

// listed returns in without credentials, with what it satisfies.
func listed(in domain.Integration) Listed {
	in.Credentials = domain.Credentials{}
	return Listed{Integration: in, Satisfies: skill.ProviderPrerequisites(in.Provider)}
}

// checkShape checks that credentials of kind have every field the kind needs, and only
// those.
func checkShape(p provider, kind CredentialKind, c domain.Credentials) error {
	var want domain.Credentials
	switch kind {
	case CredentialsShopify:
		want = domain.Credentials{ShopDomain: c.ShopDomain, AccessToken: c.AccessToken}
	case CredentialsZendesk:
		want = domain.Credentials{Subdomain: c.Subdomain, Email: c.Email, APIToken: c.APIToken}
	case CredentialsGorgias:
		want = domain.Credentials{Domain: c.Domain, Username: c.Username, APIKey: c.APIKey}
	case CredentialsAPIKey:
		want = domain.Credentials{APIKey: c.APIKey}
	}
	if c != want || !complete(kind, c) {
		return domain.Errorf(domain.EInvalid, "%s takes %s", p.name, p.needs)
	}
	return nil
}

// complete reports whether credentials of kind have every field filled in.
func complete(kind CredentialKind, c domain.Credentials) bool {
	switch kind {
	case CredentialsShopify:
		return c.ShopDomain != "" && c.AccessToken != ""
	case CredentialsZendesk:
		return c.Subdomain != "" && c.Email != "" && c.APIToken != ""
	case CredentialsGorgias:
		return c.Domain != "" && c.Username != "" && c.APIKey != ""
	case CredentialsAPIKey:
		return c.APIKey != ""
	}
	return true
}

// displayName describes a connection without its secrets ("acme.myshopify.com").
func displayName(p provider, kind CredentialKind, c domain.Credentials) string {
	switch kind {
	case CredentialsShopify:
		return c.ShopDomain
	case CredentialsZendesk:
		return c.Subdomain + ".zendesk.com"
	case CredentialsGorgias:
		return c.Domain + ".gorgias.com"
	}
	return p.name
}
