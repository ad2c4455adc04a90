// Command tandemgen seeds an account with synthetic conversations for load tests and the
// metrics benchmarks: by default 1,000,000 conversations of ten messages (10,000,000
// messages) spread over the last 365 days, inserted in batches by PostgreSQL itself
// (generate_series), then the account's metric rollups are rebuilt from them.
//
//	tandemgen -database-url postgres://… [-conversations 1000000] [-days 365] [-account-id ID]
//
// Without -account-id it creates an account named "Generated <n> conversations" and
// prints its OWNER key.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tandemhq/tandem/server/account"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tandemgen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("tandemgen", flag.ContinueOnError)
	databaseURL := fs.String("database-url", os.Getenv("DATABASE_URL"), "the PostgreSQL to seed (migrated first)")
	accountID := fs.String("account-id", "", "the account to seed (empty: create one)")
	conversations := fs.Int("conversations", 1_000_000, "conversations to add, ten messages each")
	days := fs.Int("days", 365, "spread them over this many days before now")
	batch := fs.Int("batch", 25_000, "conversations per statement")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *databaseURL == "" || *conversations < 1 || *days < 1 || *batch < 1 {
		return fmt.Errorf("tandemgen needs -database-url and positive -conversations, -days and -batch")
	}
	pool, err := pgxpool.New(ctx, *databaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := store.Migrate(ctx, pool, slog.New(slog.DiscardHandler)); err != nil {
		return err
	}
	st := store.New(pool)
	if *accountID == "" {
		created, err := account.Create(ctx, st, fmt.Sprintf("Generated %d conversations", *conversations), "Hi! How can I help?")
		if err != nil {
			return err
		}
		*accountID = created.Account.ID
		fmt.Printf("account %s\nowner key %s\n", created.Account.ID, created.Secret(domain.RoleOwner))
	}
	end := time.Now().UTC().Truncate(time.Hour)
	begin := end.AddDate(0, 0, -*days)
	started := time.Now()
	for done := 0; done < *conversations; {
		n := min(*batch, *conversations-done)
		if err := st.GenerateConversations(ctx, *accountID, n, begin, end); err != nil {
			return err
		}
		done += n
		elapsed := time.Since(started)
		eta := time.Duration(float64(elapsed) / float64(done) * float64(*conversations-done))
		fmt.Fprintf(os.Stderr, "\r%d/%d conversations, %d messages, %s elapsed, about %s left   ",
			done, *conversations, done*10, elapsed.Round(time.Second), eta.Round(time.Second))
	}
	fmt.Fprintf(os.Stderr, "\nrebuilding the metric rollups …\n")
	rebuild := time.Now()
	if _, err := pool.Exec(ctx, "ANALYZE conversations, messages"); err != nil {
		return err
	}
	if err := st.RebuildMetrics(ctx, *accountID); err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, "ANALYZE metric_hours, metric_days"); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "rollups rebuilt in %s; %d conversations in %s\n", time.Since(rebuild).Round(time.Second),
		*conversations, time.Since(started).Round(time.Second))
	return nil
}
