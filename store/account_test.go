package store_test

import (
	"reflect"
	"testing"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/store"
)

func TestAccount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, _, _ := createAccount(t, b)

	got, err := b.store.Account(b.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := a
	want.AgentEnabled = true // a new account's Customer Agent answers on every channel
	want.AgentChannels = []domain.Channel{domain.ChannelWebchat, domain.ChannelSMS, domain.ChannelWhatsApp, domain.ChannelEmail}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Account = %+v, want %+v", got, want)
	}
	got, err = b.store.AccountBySiteKey(b.ctx, a.SiteKey)
	if err != nil || got.ID != a.ID {
		t.Errorf("AccountBySiteKey = %+v, %v, want account %s", got, err, a.ID)
	}

	_, err = b.store.Account(b.ctx, newID())
	wantCode(t, err, domain.ENotFound)
	_, err = b.store.AccountBySiteKey(b.ctx, "nope")
	wantCode(t, err, domain.ENotFound)
	_, err = b.store.Account(b.ctx, "not-a-uuid")
	wantCode(t, err, domain.EInvalid)

	dup := a
	dup.ID = newID()
	wantCode(t, b.store.CreateAccount(b.ctx, dup, nil), domain.EConflict)
}

func TestAPIKey(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, key, secret := createAccount(t, b)

	got, err := b.store.APIKeyByHash(b.ctx, hash(secret))
	if err != nil {
		t.Fatal(err)
	}
	if got != key {
		t.Errorf("APIKeyByHash = %+v, want %+v", got, key)
	}
	_, err = b.store.APIKeyByHash(b.ctx, hash("wrong"))
	wantCode(t, err, domain.ENotFound)

	second := domain.APIKey{AccountID: a.ID, ID: newID(), Name: "analytics", Role: domain.RoleService, Prefix: "tk_2", CreatedAt: base}
	if err := b.store.CreateAPIKey(b.ctx, store.NewAPIKey{Key: second, Hash: hash("second")}); err != nil {
		t.Fatal(err)
	}
	dup := second
	dup.ID = newID()
	wantCode(t, b.store.CreateAPIKey(b.ctx, store.NewAPIKey{Key: dup, Hash: hash("second")}), domain.EConflict)

	if err := b.store.RevokeAPIKey(b.ctx, a.ID, key.ID); err != nil {
		t.Fatal(err)
	}
	_, err = b.store.APIKeyByHash(b.ctx, hash(secret))
	wantCode(t, err, domain.ENotFound)
	if err := b.store.RevokeAPIKey(b.ctx, a.ID, key.ID); err != nil {
		t.Errorf("revoking twice: %v", err)
	}
	if _, err := b.store.APIKeyByHash(b.ctx, hash("second")); err != nil {
		t.Errorf("the other key: %v", err)
	}

	other, _, _ := createAccount(t, b)
	wantCode(t, b.store.RevokeAPIKey(b.ctx, other.ID, second.ID), domain.ENotFound)
	if _, err := b.store.APIKeyByHash(b.ctx, hash("second")); err != nil {
		t.Errorf("revoked through another account: %v", err)
	}
}
