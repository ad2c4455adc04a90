package account_test

import (
	"testing"

	"github.com/tandemhq/tandem/server/account"
	"github.com/tandemhq/tandem/server/auth"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/store"
	"github.com/tandemhq/tandem/store/storetest"
)

func TestCreateNamesKeysAndSetsTheTimeZone(t *testing.T) {
	t.Parallel()
	st := store.New(storetest.Pool(t))
	ctx := t.Context()
	created, err := account.Create(ctx, st, "Northwind", "Hi!", account.WithTimeZone("America/New_York"), account.WithKeyName(domain.RoleSupport, "Jordan"))
	if err != nil {
		t.Fatal(err)
	}
	acc, err := st.Account(ctx, created.Account.ID)
	if err != nil || acc.TimeZone != "America/New_York" {
		t.Fatalf("account %+v, %v; want the New York time zone", acc, err)
	}
	for role, want := range map[domain.Role]string{domain.RoleSupport: "Jordan", domain.RoleOwner: "owner key"} {
		k, err := st.APIKeyByHash(ctx, auth.HashKey(created.Secret(role)))
		if err != nil || k.Name != want || k.Role != role {
			t.Errorf("the %s key is %+v, %v; want it named %q", role, k, err, want)
		}
	}
}
