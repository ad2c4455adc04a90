// Package account creates accounts (brands) with their credentials.
package account

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/tandemhq/tandem/server/auth"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/store"
)

// Creator stores a new account with its keys.
type Creator interface {
	// CreateAccount stores the account and its keys atomically.
	CreateAccount(ctx context.Context, a domain.Account, keys []store.NewAPIKey) error
}

// Created is a new account and its secrets, which are shown once and never stored.
type Created struct {
	// Account is the account.
	Account domain.Account
	// Keys are one API key per role, in the order of domain.Roles.
	Keys []Key
}

// Key is an API key's secret and its role.
type Key struct {
	// Role is the key's role.
	Role domain.Role
	// ID is the key's id.
	ID string
	// Secret is the bearer credential.
	Secret string
}

// Create makes an account named name, in UTC, with one API key per role.
func Create(ctx context.Context, st Creator, name, greeting string) (Created, error) {
	return CreateIn(ctx, st, name, greeting, "UTC")
}

// CreateIn makes an account named name whose time zone (for metrics, business hours
// and the dates the agent writes) is the IANA zone timeZone, with one API key per role.
// Returns EInvalid if timeZone is not an IANA zone.
func CreateIn(ctx context.Context, st Creator, name, greeting, timeZone string) (Created, error) {
	if _, err := time.LoadLocation(timeZone); err != nil || timeZone == "" || timeZone == "Local" {
		return Created{}, domain.Errorf(domain.EInvalid, "time zone %q is not an IANA time zone such as America/New_York", timeZone)
	}
	a := domain.Account{
		ID: uuid.NewString(), Name: name, SiteKey: auth.NewKey(auth.SiteKeyPrefix), IdentitySecret: auth.NewSecret(),
		Greeting: greeting, TimeZone: timeZone, CreatedAt: time.Now().UTC(),
	}
	out := Created{Account: a}
	var rows []store.NewAPIKey
	for _, r := range domain.Roles {
		secret := auth.NewKey(auth.SecretKeyPrefix)
		k := domain.APIKey{AccountID: a.ID, ID: uuid.NewString(), Name: string(r) + " key", Role: r, Prefix: auth.KeyPrefix(secret), CreatedAt: a.CreatedAt}
		rows = append(rows, store.NewAPIKey{Key: k, Hash: auth.HashKey(secret)})
		out.Keys = append(out.Keys, Key{Role: r, ID: k.ID, Secret: secret})
	}
	if err := st.CreateAccount(ctx, a, rows); err != nil {
		return Created{}, err
	}
	return out, nil
}

// Secret returns the created key of the role.
func (c Created) Secret(r domain.Role) string {
	for _, k := range c.Keys {
		if k.Role == r {
			return k.Secret
		}
	}
	return ""
}
