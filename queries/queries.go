// Package queries holds Tandem's SQL: the schema migrations and the queries
// that sqlc compiles.
package queries

import "embed"

// Migrations holds the schema migrations in goose format, as
// migrations/NNNNN_name.sql, applied in order by store.Migrate.
//
//go:embed migrations/*.sql
var Migrations embed.FS
