package store

import (
	"context"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/store/internal/dbsqlc"
)

// IntegrationRecord is a connected integration as stored: its details without
// credentials, and the credentials sealed by the integration service (nil when the
// provider takes none). The store never sees credentials in the clear.
type IntegrationRecord struct {
	// Integration is the connection's details; its Credentials are always empty.
	Integration domain.Integration
	// SealedCredentials are the encrypted credentials.
	SealedCredentials []byte
}

// ConnectIntegration stores r as its account's connection to its provider, replacing an
// earlier connection to the same provider, and returns what was stored.
func (s *Store) ConnectIntegration(ctx context.Context, r IntegrationRecord) (IntegrationRecord, error) {
	in := r.Integration
	account, err := parseID("account id", in.AccountID)
	if err != nil {
		return IntegrationRecord{}, err
	}
	row, err := s.queries.IntegrationUpsert(ctx, s.pool, dbsqlc.IntegrationUpsertParams{
		AccountID:   account,
		Provider:    string(in.Provider),
		DisplayName: in.DisplayName,
		APIBaseURL:  in.APIBaseURL,
		Credentials: r.SealedCredentials,
		ConnectedAt: in.ConnectedAt,
	})
	if err != nil {
		return IntegrationRecord{}, interpret(err, "integration")
	}
	return integrationFromRow(row), nil
}

// DisconnectIntegration deletes the account's connection to provider with its
// credentials. It reports whether there was one.
func (s *Store) DisconnectIntegration(ctx context.Context, accountID string, provider domain.IntegrationProvider) (bool, error) {
	account, err := parseID("account id", accountID)
	if err != nil {
		return false, err
	}
	n, err := s.queries.IntegrationDelete(ctx, s.pool, dbsqlc.IntegrationDeleteParams{AccountID: account, Provider: string(provider)})
	if err != nil {
		return false, interpret(err, "integration")
	}
	return n > 0, nil
}

// Integrations returns the account's connected integrations, by provider name.
func (s *Store) Integrations(ctx context.Context, accountID string) ([]IntegrationRecord, error) {
	account, err := parseID("account id", accountID)
	if err != nil {
		return nil, err
	}
	rows, err := s.queries.IntegrationList(ctx, s.pool, account)
	if err != nil {
		return nil, interpret(err, "integration")
	}
	out := make([]IntegrationRecord, len(rows))
	for i, r := range rows {
		out[i] = integrationFromRow(r)
	}
	return out, nil
}

// integrationFromRow converts a row of integrations.
func integrationFromRow(r dbsqlc.Integration) IntegrationRecord {
	return IntegrationRecord{
		Integration: domain.Integration{
			AccountID:   idString(r.AccountID),
			Provider:    domain.IntegrationProvider(r.Provider),
			Connected:   true,
			DisplayName: r.DisplayName,
			APIBaseURL:  r.APIBaseURL,
			ConnectedAt: r.ConnectedAt.UTC(),
		},
		SealedCredentials: r.Credentials,
	}
}
