// Package storetest gives each test its own PostgreSQL database, migrated with
// queries.Migrations, on the server that TEST_DATABASE_URL (else DATABASE_URL)
// names.
//
// The migrations run once per version of queries.Migrations, into a template
// database (see github.com/peterldowns/pgtestdb); each test then gets a copy of
// the template in milliseconds. A test's database is dropped when the test
// passes and kept for inspection when it fails; its URL is in the test log.
package storetest

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver that pgtestdb uses
	"github.com/peterldowns/pgtestdb"

	"github.com/tandemhq/tandem/queries"
	"github.com/tandemhq/tandem/store"
)

// New creates a fresh, migrated database for t and returns its URL, for tests
// that open several pools on one database, such as two server replicas. Close
// those pools before t ends; open connections are terminated then.
func New(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, serverConfig(t), migrator{}).URL()
}

// Pool creates a fresh, migrated database for t and returns a pool connected
// to it, closed when t ends.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), New(t))
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// serverConfig reads the server's address from the environment.
func serverConfig(t testing.TB) pgtestdb.Config {
	t.Helper()
	raw := cmp.Or(os.Getenv("TEST_DATABASE_URL"), os.Getenv("DATABASE_URL"))
	if raw == "" {
		t.Fatal("TEST_DATABASE_URL is not set: run tests with `make test`, which starts PostgreSQL")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatal("TEST_DATABASE_URL is not a postgres:// URL")
	}
	password, _ := u.User.Password()
	return pgtestdb.Config{
		DriverName: "pgx",
		Host:       u.Hostname(),
		Port:       cmp.Or(u.Port(), "5432"),
		User:       u.User.Username(),
		Password:   password,
		Database:   cmp.Or(strings.TrimPrefix(u.Path, "/"), "postgres"),
		Options:    u.RawQuery,
		// A test's leftover connections (a LISTEN connection still closing,
		// say) must not keep its database from being dropped.
		ForceTerminateConnections: true,
	}
}

// migrator builds pgtestdb's template database with store.Migrate.
type migrator struct{}

// Hash identifies the schema by the names and contents of the migrations.
func (migrator) Hash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(queries.Migrations, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(queries.Migrations, name)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

// Migrate migrates the new template database.
func (migrator) Migrate(ctx context.Context, _ *sql.DB, conf pgtestdb.Config) error {
	pool, err := pgxpool.New(ctx, conf.URL())
	if err != nil {
		return err
	}
	defer pool.Close()
	return store.Migrate(ctx, pool, slog.New(slog.DiscardHandler))
}
