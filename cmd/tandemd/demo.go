package main

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/tandemhq/tandem/server/auth"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/store"
)

// defaultWidgetDir is where `make run` builds the widget; demo mode serves it when
// -widget-dir is not set and the build is there.
const defaultWidgetDir = "clients/widget/dist"

// demoProfiles are the demo store's customers a visitor may log in as on the demo page.
var demoProfiles = []domain.Visitor{
	{ProfileID: "cust_1001", Name: "Ava Chen", Email: "ava.chen@example.com"},
	{ProfileID: "cust_1002", Name: "Marcus Reed", Email: "marcus.reed@example.com"},
}

// demoIdentityTTL is how long a demo identity token lasts.
const demoIdentityTTL = time.Hour

// widgetDir returns the folder of static files to serve: -widget-dir, or in demo mode
// the widget's build when it exists.
func widgetDir(cfg config) string {
	if cfg.WidgetDir != "" || !cfg.Demo {
		return cfg.WidgetDir
	}
	if _, err := os.Stat(filepath.Join(defaultWidgetDir, "index.html")); err == nil {
		return defaultWidgetDir
	}
	return ""
}

// demoHandler serves the demo page's helpers next to the static files (static may be
// nil). It exists only in demo mode: it plays the brand's back end, which would
// normally sign identity tokens for its logged-in customers.
//
//	GET /demo/config                     {"siteKey": ..., "profiles": [{"id","name","email"}]}
//	GET /demo/identity?profile=cust_1001 {"identityToken": ...}, signed with the account's identity secret
func demoHandler(st *store.Store, accountID string, static http.Handler, logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	if static != nil {
		mux.Handle("/", static)
	}
	mux.HandleFunc("GET /demo/config", func(w http.ResponseWriter, r *http.Request) {
		acc, err := st.Account(r.Context(), accountID)
		if err != nil {
			logger.ErrorContext(r.Context(), "demo config: reading the demo account", "error", err)
			http.Error(w, "the demo account is not available", http.StatusInternalServerError)
			return
		}
		type profile struct {
			ID    string `json:"id"`
			Name  string `json:"name"`
			Email string `json:"email"`
		}
		out := struct {
			SiteKey  string    `json:"siteKey"`
			Profiles []profile `json:"profiles"`
		}{SiteKey: acc.SiteKey}
		for _, p := range demoProfiles {
			out.Profiles = append(out.Profiles, profile{ID: p.ProfileID, Name: p.Name, Email: p.Email})
		}
		writeJSON(w, out)
	})
	mux.HandleFunc("GET /demo/identity", func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("profile")
		for _, p := range demoProfiles {
			if p.ProfileID != id {
				continue
			}
			acc, err := st.Account(r.Context(), accountID)
			var tok string
			if err == nil {
				tok, err = auth.SignIdentity(p, acc.IdentitySecret, demoIdentityTTL)
			}
			if err != nil {
				logger.ErrorContext(r.Context(), "demo identity: signing", "error", err)
				http.Error(w, "cannot sign a demo identity token", http.StatusInternalServerError)
				return
			}
			writeJSON(w, map[string]string{"identityToken": tok})
			return
		}
		http.Error(w, "unknown demo profile: use cust_1001 (Ava Chen) or cust_1002 (Marcus Reed)", http.StatusNotFound)
	})
	return mux
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}
