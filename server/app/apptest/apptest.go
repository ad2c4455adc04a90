// Package apptest runs real Tandem replicas for tests: the full handler on an httptest
// server (HTTP/1.1 and h2c) over a freshly migrated PostgreSQL database, an account with
// one key per role, and typed clients over the Connect and gRPC protocols.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tandemhq/tandem/clients/go/tandemclient"
	"github.com/tandemhq/tandem/server/account"
	"github.com/tandemhq/tandem/server/app"
	"github.com/tandemhq/tandem/server/demo"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/seal"
	"github.com/tandemhq/tandem/store/storetest"
)

// TokenSecret is the visitor token secret every test replica shares.
const TokenSecret = "apptest-visitor-token-secret-0123456789"

// EncryptionKey seals integration credentials on every test replica (standard base64 of
// 32 bytes).
const EncryptionKey = "dGFuZGVtLWFwcHRlc3QtZW5jcnlwdGlvbi1rZXkhISE="

// Env is a test database with one running replica and one account.
type Env struct {
	// DatabaseURL is the test's own database.
	DatabaseURL string
	// Server is the replica.
	Server *httptest.Server
	// App is the replica's wiring.
	App *app.App
	// Account is an account with a key per role.
	Account account.Created
}

// New starts a replica on a fresh database and creates an account.
func New(t testing.TB, o app.Options) *Env {
	t.Helper()
	url := storetest.New(t)
	e := &Env{DatabaseURL: url}
	e.App, e.Server = StartReplica(t, url, o)
	e.Account = e.NewAccount(t, "Test Outfitters")
	return e
}

// NewAccount creates another account on the environment's database.
func (e *Env) NewAccount(t testing.TB, name string) account.Created {
	t.Helper()
	created, err := account.Create(context.Background(), e.App.Store, name, "Hello from "+name)
	if err != nil {
		t.Fatalf("creating account: %v", err)
	}
	return created
}

// StartReplica starts one more replica on the database at url.
func StartReplica(t testing.TB, url string, o app.Options) (*app.App, *httptest.Server) {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatalf("connecting to %s: %v", url, err)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.TokenSecret == "" {
		o.TokenSecret = TokenSecret
	}
	if o.EncryptionKeys == nil {
		keys, err := seal.ParseKeys(EncryptionKey)
		if err != nil {
			t.Fatal(err)
		}
		o.EncryptionKeys = keys
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(pool, o)
	if err != nil {
		t.Fatalf("building a replica: %v", err)
	}
	if err := a.Run(ctx); err != nil {
		t.Fatalf("running a replica: %v", err)
	}
	srv := httptest.NewUnstartedServer(a.Handler)
	srv.Config = a.HTTPServer(ctx, "")
	srv.Config.Handler = a.Handler
	srv.Start()
	t.Cleanup(func() {
		cancel()
		srv.CloseClientConnections()
		srv.Close()
		pool.Close()
	})
	return a, srv
}

// NewDemo starts a replica on a fresh database whose account is the demo account as
// `make run` makes it: Northwind Outfitters in demo.TimeZone, seeded (SeedDemo).
func NewDemo(t testing.TB, o app.Options) *Env {
	t.Helper()
	url := storetest.New(t)
	e := &Env{DatabaseURL: url}
	e.App, e.Server = StartReplica(t, url, o)
	created, err := demo.CreateAccount(context.Background(), e.App.Store)
	if err != nil {
		t.Fatalf("creating the demo account: %v", err)
	}
	e.Account = created
	e.SeedDemo(t)
	return e
}

// SeedDemo makes the environment's account the demo account, as `make run` does:
// Northwind Outfitters' demo providers connected, its demo store (dates relative to
// now) and its help centre.
func (e *Env) SeedDemo(t testing.TB) {
	t.Helper()
	s := demo.Services{Integrations: e.App.Integrations, Store: e.App.Store, Knowledge: e.App.Knowledge}
	if err := demo.Seed(context.Background(), s, e.Account.Account.ID, time.Now()); err != nil {
		t.Fatalf("seeding the demo: %v", err)
	}
}

// Key returns the account's API key of the role.
func (e *Env) Key(r domain.Role) string { return e.Account.Secret(r) }

// Protocols lists the wire protocols tests run over.
var Protocols = map[string][]connect.ClientOption{
	"connect": nil,
	"grpc":    {connect.WithGRPC()},
}

// Client returns a client of the replica sending credential (none when empty).
func (e *Env) Client(credential string, opts ...connect.ClientOption) *tandemclient.Client {
	return tandemclient.New(e.Server.URL, credential, opts...)
}
