// Package store keeps Tandem's data in PostgreSQL: accounts and their API keys,
// conversations, their messages, and the conversation events that streams resume from.
//
// Every method confines its reads and writes to one account and returns domain types
// and domain errors (see package domain): ENotFound for a row the account lacks,
// EConflict for a duplicate or a concurrent change, EUnavailable when the database
// cannot be reached. The queries are compiled by sqlc from the queries directory; their
// row types stay inside this package.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/puddle/v2"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/store/internal/dbsqlc"
)

// Store reads and writes Tandem's tables through a connection pool. It is safe for
// concurrent use.
type Store struct {
	pool    *pgxpool.Pool
	queries *dbsqlc.Queries
	jobs    JobInserter
}

// New returns a Store that runs its queries on pool.
func New(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, queries: dbsqlc.New()}
}

// JobInserter queues durable background jobs inside a transaction of the store, so a
// job exists exactly when the change that asked for it committed. Package jobs
// provides one.
type JobInserter interface {
	// InsertTx queues jobs in tx.
	InsertTx(ctx context.Context, tx pgx.Tx, jobs []domain.JobArgs) error
}

// WithJobs returns a copy of the store that queues the Jobs of conversation changes
// with q.
func (s *Store) WithJobs(q JobInserter) *Store {
	c := *s
	c.jobs = q
	return &c
}

// The limits of listings: a limit that is not positive asks for defaultLimit, and no
// listing returns more than maxLimit rows.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

// limitParam bounds a caller's limit for a query's LIMIT.
func limitParam(n int) int32 {
	if n <= 0 {
		return defaultLimit
	}
	return int32(min(n, maxLimit))
}

// PostgreSQL error codes (https://www.postgresql.org/docs/current/errcodes-appendix.html).
const (
	codeUniqueViolation    = "23505"
	codeSerialization      = "40001"
	codeTooManyConnections = "53300"
	// Class 08 is a connection exception; 57P01–57P03 are a shutting-down or
	// starting server.
	classConnectionException = "08"
	codeAdminShutdown        = "57P01"
	codeCrashShutdown        = "57P02"
	codeCannotConnectNow     = "57P03"
)

// interpret turns the error of a query on entity into a domain error: pgx.ErrNoRows
// into ENotFound, a unique violation into EConflict, an unreachable database into
// EUnavailable. Domain errors pass unchanged; any other error is wrapped and becomes
// EInternal.
func interpret(err error, entity string) error {
	if err == nil {
		return nil
	}
	var domainErr *domain.Error
	if errors.As(err, &domainErr) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Errorf(domain.ENotFound, "%s not found", entity)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == codeUniqueViolation:
			return domain.Errorf(domain.EConflict, "%s already exists", entity)
		case strings.HasPrefix(pgErr.Code, classConnectionException),
			pgErr.Code == codeTooManyConnections,
			pgErr.Code == codeAdminShutdown,
			pgErr.Code == codeCrashShutdown,
			pgErr.Code == codeCannotConnectNow:
			return errUnavailable()
		}
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) || errors.Is(err, puddle.ErrClosedPool) {
		return errUnavailable()
	}
	return fmt.Errorf("store: %s: %w", entity, err)
}

// errUnavailable is the error of a database that cannot be reached.
func errUnavailable() error {
	return domain.Errorf(domain.EUnavailable, "database unavailable")
}

// isUniqueViolation reports whether err violates the unique constraint or index named
// constraint.
func isUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == codeUniqueViolation && pgErr.ConstraintName == constraint
}

// isSerializationFailure reports whether err is a repeatable-read transaction's
// conflict with a concurrent one.
func isSerializationFailure(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == codeSerialization
}

// parseID parses the id of what; ids are UUIDs, and anything else is EInvalid.
func parseID(what, s string) (pgtype.UUID, error) {
	var id pgtype.UUID
	if err := id.Scan(s); err != nil || !id.Valid {
		return pgtype.UUID{}, domain.Errorf(domain.EInvalid, "%s %q is not a valid id", what, s)
	}
	return id, nil
}

// parseOptionalID parses an id that may be empty, which is stored as NULL.
func parseOptionalID(what, s string) (pgtype.UUID, error) {
	if s == "" {
		return pgtype.UUID{}, nil
	}
	return parseID(what, s)
}

// idString returns the text form of id, or "" for NULL.
func idString(id pgtype.UUID) string {
	if !id.Valid {
		return ""
	}
	return id.String()
}
