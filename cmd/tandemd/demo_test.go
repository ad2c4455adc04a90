package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tandemhq/tandem/server/account"
	"github.com/tandemhq/tandem/server/auth"
	"github.com/tandemhq/tandem/store"
	"github.com/tandemhq/tandem/store/storetest"
)

func TestDemoHandler(t *testing.T) {
	t.Parallel()
	st := store.New(storetest.Pool(t))
	created, err := account.Create(t.Context(), st, "Demo", "Hi")
	if err != nil {
		t.Fatal(err)
	}
	static := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "widget") })
	srv := httptest.NewServer(demoHandler(st, created.Account.ID, static, slog.New(slog.DiscardHandler)))
	defer srv.Close()
	get := func(path string, wantStatus int, into any) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != wantStatus {
			t.Fatalf("GET %s: status %d, want %d", path, res.StatusCode, wantStatus)
		}
		if into != nil {
			if err := json.NewDecoder(res.Body).Decode(into); err != nil {
				t.Fatal(err)
			}
		}
	}

	var cfg struct {
		SiteKey  string `json:"siteKey"`
		Profiles []struct{ ID string }
	}
	get("/demo/config", http.StatusOK, &cfg)
	if cfg.SiteKey != created.Account.SiteKey || len(cfg.Profiles) != 2 || cfg.Profiles[0].ID != "cust_1001" {
		t.Fatalf("config = %+v, want the account's site key and the two demo profiles", cfg)
	}

	var id struct{ IdentityToken string }
	get("/demo/identity?profile=cust_1001", http.StatusOK, &id)
	v, err := auth.VerifyIdentity(id.IdentityToken, created.Account.IdentitySecret)
	if err != nil {
		t.Fatal(err)
	}
	if v.ProfileID != "cust_1001" || v.Email != "ava.chen@example.com" || v.Name != "Ava Chen" {
		t.Fatalf("identity = %+v, want Ava Chen", v)
	}
	get("/demo/identity?profile=cust_9999", http.StatusNotFound, nil)
	get("/index.html", http.StatusOK, nil)
}

func TestWidgetDirOnlyDefaultsInDemoMode(t *testing.T) {
	t.Parallel()
	if got := widgetDir(config{WidgetDir: "web"}); got != "web" {
		t.Fatalf("explicit -widget-dir: got %q", got)
	}
	if got := widgetDir(config{}); got != "" {
		t.Fatalf("outside demo mode nothing is served by default, got %q", got)
	}
}
