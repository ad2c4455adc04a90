package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/store/internal/dbsqlc"
)

// NewAPIKey is an API key to store: the key and the SHA-256 hash of its secret, which
// is never stored itself.
type NewAPIKey struct {
	// Key is the key's details.
	Key domain.APIKey
	// Hash is the SHA-256 hash of the key's secret.
	Hash []byte
}

// CreateAccount stores account a and its first API keys in one transaction; the keys
// belong to a, whatever their AccountID says. The account's Customer Agent starts
// enabled on every channel, whatever a says. Returns EConflict if the account's id or
// site key, or a key's hash, is taken.
func (s *Store) CreateAccount(ctx context.Context, a domain.Account, keys []NewAPIKey) error {
	id, err := parseID("account id", a.ID)
	if err != nil {
		return err
	}
	keyParams := make([]dbsqlc.APIKeyInsertParams, len(keys))
	for i, k := range keys {
		k.Key.AccountID = a.ID
		if keyParams[i], err = apiKeyParams(k); err != nil {
			return err
		}
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := s.queries.AccountInsert(ctx, tx, dbsqlc.AccountInsertParams{
			ID:             id,
			Name:           a.Name,
			SiteKey:        a.SiteKey,
			IdentitySecret: a.IdentitySecret,
			Greeting:       a.Greeting,
			TimeZone:       a.TimeZone,
			CreatedAt:      a.CreatedAt,
		})
		if err != nil {
			return err
		}
		for _, p := range keyParams {
			if err := s.queries.APIKeyInsert(ctx, tx, p); err != nil {
				return err
			}
		}
		return nil
	})
	return interpret(err, "account")
}

// Account returns the account with id. Returns ENotFound if there is none.
func (s *Store) Account(ctx context.Context, id string) (domain.Account, error) {
	accountID, err := parseID("account id", id)
	if err != nil {
		return domain.Account{}, err
	}
	row, err := s.queries.AccountGet(ctx, s.pool, accountID)
	if err != nil {
		return domain.Account{}, interpret(err, "account")
	}
	return accountFromRow(row), nil
}

// AccountBySiteKey returns the account whose public site key is siteKey. Returns
// ENotFound if there is none.
func (s *Store) AccountBySiteKey(ctx context.Context, siteKey string) (domain.Account, error) {
	row, err := s.queries.AccountGetBySiteKey(ctx, s.pool, siteKey)
	if err != nil {
		return domain.Account{}, interpret(err, "account")
	}
	return accountFromRow(row), nil
}

// CreateAPIKey stores API key k of its account. Returns EConflict if its id or hash is
// taken.
func (s *Store) CreateAPIKey(ctx context.Context, k NewAPIKey) error {
	p, err := apiKeyParams(k)
	if err != nil {
		return err
	}
	return interpret(s.queries.APIKeyInsert(ctx, s.pool, p), "API key")
}

// APIKeyByHash returns the API key whose secret hashes to hash. Returns ENotFound if
// there is none or it was revoked.
func (s *Store) APIKeyByHash(ctx context.Context, hash []byte) (domain.APIKey, error) {
	row, err := s.queries.APIKeyGetByHash(ctx, s.pool, hash)
	if err != nil {
		return domain.APIKey{}, interpret(err, "API key")
	}
	return apiKeyFromRow(row), nil
}

// RevokeAPIKey revokes the key keyID of account accountID now; revoking a revoked key
// keeps its first revocation time. Returns ENotFound if the account has no such key.
func (s *Store) RevokeAPIKey(ctx context.Context, accountID, keyID string) error {
	account, err := parseID("account id", accountID)
	if err != nil {
		return err
	}
	id, err := parseID("API key id", keyID)
	if err != nil {
		return err
	}
	n, err := s.queries.APIKeyRevoke(ctx, s.pool, dbsqlc.APIKeyRevokeParams{AccountID: account, ID: id})
	if err == nil && n == 0 {
		err = pgx.ErrNoRows
	}
	return interpret(err, "API key")
}

// apiKeyParams returns the parameters that insert k.
func apiKeyParams(k NewAPIKey) (dbsqlc.APIKeyInsertParams, error) {
	account, err := parseID("account id", k.Key.AccountID)
	if err != nil {
		return dbsqlc.APIKeyInsertParams{}, err
	}
	id, err := parseID("API key id", k.Key.ID)
	if err != nil {
		return dbsqlc.APIKeyInsertParams{}, err
	}
	return dbsqlc.APIKeyInsertParams{
		AccountID: account,
		ID:        id,
		Name:      k.Key.Name,
		Role:      string(k.Key.Role),
		KeyHash:   k.Hash,
		KeyPrefix: k.Key.Prefix,
		CreatedAt: k.Key.CreatedAt,
	}, nil
}

// accountFromRow converts a row of accounts.
func accountFromRow(r dbsqlc.Account) domain.Account {
	return domain.Account{
		ID:             idString(r.ID),
		Name:           r.Name,
		SiteKey:        r.SiteKey,
		IdentitySecret: r.IdentitySecret,
		Greeting:       r.Greeting,
		TimeZone:       r.TimeZone,
		AgentEnabled:   r.AgentEnabled,
		AgentChannels:  stringsAs[domain.Channel](r.AgentChannels),
		CreatedAt:      r.CreatedAt.UTC(),
	}
}

// apiKeyFromRow converts a row of api_keys.
func apiKeyFromRow(r dbsqlc.APIKey) domain.APIKey {
	return domain.APIKey{
		AccountID: idString(r.AccountID),
		ID:        idString(r.ID),
		Name:      r.Name,
		Role:      domain.Role(r.Role),
		Prefix:    r.KeyPrefix,
		CreatedAt: r.CreatedAt.UTC(),
		RevokedAt: timeOrZero(r.RevokedAt),
	}
}

// timeOrZero returns *t in UTC, or the zero time for NULL.
func timeOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// timeOrNull returns t, or nil (NULL) for the zero time.
func timeOrNull(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
