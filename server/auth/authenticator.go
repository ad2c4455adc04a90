package auth

import (
	"context"
	"strings"

	"github.com/tandemhq/tandem/server/domain"
)

// KeyStore finds the accounts and keys credentials belong to.
type KeyStore interface {
	// APIKeyByHash returns the unrevoked key with the hash, or ENotFound.
	APIKeyByHash(ctx context.Context, hash []byte) (domain.APIKey, error)
	// AccountBySiteKey returns the account with the public site key, or ENotFound.
	AccountBySiteKey(ctx context.Context, siteKey string) (domain.Account, error)
}

// Authenticator turns a bearer credential into a principal.
type Authenticator struct {
	keys   KeyStore
	tokens *VisitorTokens
}

// NewAuthenticator returns an Authenticator over the key store and visitor tokens.
func NewAuthenticator(keys KeyStore, tokens *VisitorTokens) *Authenticator {
	return &Authenticator{keys: keys, tokens: tokens}
}

// Authenticate returns the principal of the credential, or EUnauthenticated.
func (a *Authenticator) Authenticate(ctx context.Context, credential string) (domain.Principal, error) {
	switch {
	case credential == "":
		return domain.Principal{}, domain.Errorf(domain.EUnauthenticated, "missing credential: send `Authorization: Bearer <key>` with an API key, the site key or a visitor token")
	case strings.HasPrefix(credential, VisitorTokenPrefix):
		return a.tokens.Verify(credential)
	case strings.HasPrefix(credential, SecretKeyPrefix):
		k, err := a.keys.APIKeyByHash(ctx, HashKey(credential))
		if domain.CodeOf(err) == domain.ENotFound {
			return domain.Principal{}, domain.Errorf(domain.EUnauthenticated, "API key is unknown or revoked")
		} else if err != nil {
			return domain.Principal{}, err
		}
		return domain.Principal{Kind: domain.PrincipalAPIKey, AccountID: k.AccountID, Role: k.Role, KeyID: k.ID, KeyName: k.Name}, nil
	case strings.HasPrefix(credential, SiteKeyPrefix):
		acc, err := a.keys.AccountBySiteKey(ctx, credential)
		if domain.CodeOf(err) == domain.ENotFound {
			return domain.Principal{}, domain.Errorf(domain.EUnauthenticated, "site key is unknown")
		} else if err != nil {
			return domain.Principal{}, err
		}
		return domain.Principal{Kind: domain.PrincipalSiteKey, AccountID: acc.ID}, nil
	default:
		return domain.Principal{}, domain.Errorf(domain.EUnauthenticated, "credential is not a Tandem key or token (expected a tdm_sk_, tdm_pk_ or tdm_vt_ prefix)")
	}
}
