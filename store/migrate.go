package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/tandemhq/tandem/queries"
)

// Migrate applies the migrations of queries.Migrations that the database of
// pool lacks, logging each one it applies. It holds a PostgreSQL advisory lock
// meanwhile, so replicas that start together migrate one at a time and the
// later ones find nothing left to do.
func Migrate(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) error {
	migrations, err := fs.Sub(queries.Migrations, "migrations")
	if err != nil {
		return err
	}
	// Poll for the lock every second, for up to five minutes.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return err
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	applied, err := provider.Up(ctx)
	var partial *goose.PartialError
	if errors.As(err, &partial) {
		applied = partial.Applied
	}
	for _, r := range applied {
		logger.InfoContext(ctx, "applied migration",
			"version", r.Source.Version, "file", path.Base(r.Source.Path), "duration", r.Duration)
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return migrateJobs(ctx, pool, logger)
}

// jobsMigrationLock is the advisory lock key under which replicas migrate River's tables
// one at a time.
const jobsMigrationLock = 7_366_221_004

// migrateJobs applies the migrations of River's job queue tables (river_job and its
// companions), holding an advisory lock on one connection meanwhile so that replicas
// starting together apply them once. (River's migrations cannot share one
// transaction: one adds an enum value that a later one uses.)
func migrateJobs(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) error {
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("migrate jobs: %w", err)
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate jobs: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", jobsMigrationLock); err != nil {
		return fmt.Errorf("migrate jobs: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", jobsMigrationLock) //nolint:errcheck // the lock also ends with the session
	res, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("migrate jobs: %w", err)
	}
	for _, v := range res.Versions {
		logger.InfoContext(ctx, "applied job queue migration", "version", v.Version, "name", v.Name, "duration", v.Duration)
	}
	return nil
}
