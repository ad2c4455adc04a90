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

// Option changes how Create makes an account.
type Option func(*options)

type options struct {
	timeZone string
	keyNames map[domain.Role]string
}

// WithTimeZone sets the account's IANA time zone (business hours, metrics); UTC otherwise.
func WithTimeZone(zone string) Option {
	return func(o *options) { o.timeZone = zone }
}

// WithKeyName names the role's key; the name is what people see of its holder, such as
// an inbox agent's name on the messages they send. Otherwise it is "<role> key".
func WithKeyName(r domain.Role, name string) Option {
	return func(o *options) { o.keyNames[r] = name }
}

// Create makes an account named name with one API key per role.
func Create(ctx context.Context, st Creator, name, greeting string, opts ...Option) (Created, error) {
	o := options{timeZone: "UTC", keyNames: map[domain.Role]string{}}
	for _, opt := range opts {
		opt(&o)
	}
	if _, err := time.LoadLocation(o.timeZone); err != nil || o.timeZone == "" || o.timeZone == "Local" {
		return Created{}, domain.Errorf(domain.EInvalid, "time zone %q is not an IANA time zone such as America/New_York", o.timeZone)
	}
	a := domain.Account{
		ID: uuid.NewString(), Name: name, SiteKey: auth.NewKey(auth.SiteKeyPrefix), IdentitySecret: auth.NewSecret(),
		Greeting: greeting, TimeZone: o.timeZone, CreatedAt: time.Now().UTC(),
	}
	out := Created{Account: a}
	var rows []store.NewAPIKey
	for _, r := range domain.Roles {
		secret := auth.NewKey(auth.SecretKeyPrefix)
		keyName, ok := o.keyNames[r]
		if !ok {
			keyName = string(r) + " key"
		}
		k := domain.APIKey{AccountID: a.ID, ID: uuid.NewString(), Name: keyName, Role: r, Prefix: auth.KeyPrefix(secret), CreatedAt: a.CreatedAt}
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
