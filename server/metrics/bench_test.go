package metrics_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tandemhq/tandem/server/account"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/metrics"
	"github.com/tandemhq/tandem/store"
	"github.com/tandemhq/tandem/store/storetest"
)

// benchAccount is an account seeded by the generator.
type benchAccount struct {
	id   string
	name string
}

// benchSetup returns a metrics service and the generated accounts to measure: those of
// the database TANDEM_BENCH_DATABASE_URL names (seeded with cmd/tandemgen), else one
// small account seeded in a fresh test database.
func benchSetup(b *testing.B) (*metrics.Service, []benchAccount) {
	b.Helper()
	ctx := context.Background()
	url := os.Getenv("TANDEM_BENCH_DATABASE_URL")
	if url == "" {
		url = storetest.New(b)
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	st := store.New(pool)
	if os.Getenv("TANDEM_BENCH_DATABASE_URL") == "" {
		created, err := account.Create(ctx, st, "Generated 5000 conversations", "Hi!")
		if err != nil {
			b.Fatal(err)
		}
		end := time.Now().UTC().Truncate(time.Hour)
		if err := st.GenerateConversations(ctx, created.Account.ID, 5000, end.AddDate(-1, 0, 0), end); err != nil {
			b.Fatal(err)
		}
		if err := st.RebuildMetrics(ctx, created.Account.ID); err != nil {
			b.Fatal(err)
		}
	}
	rows, err := pool.Query(ctx, "SELECT id::text, name FROM accounts WHERE name LIKE 'Generated % conversations' ORDER BY created_at")
	if err != nil {
		b.Fatal(err)
	}
	var accounts []benchAccount
	for rows.Next() {
		var a benchAccount
		if err := rows.Scan(&a.id, &a.name); err != nil {
			b.Fatal(err)
		}
		a.name = strings.Fields(a.name)[1]
		accounts = append(accounts, a)
	}
	if len(accounts) == 0 {
		b.Fatal("no generated accounts: seed them with cmd/tandemgen")
	}
	return metrics.NewService(st, slog.New(slog.DiscardHandler)), accounts
}

// benchPeriods are the periods measured, in days, ending at the current hour.
var benchPeriods = []int{1, 7, 30, 365}

// benchEach runs ask for every generated account and period.
func benchEach(b *testing.B, ask func(ctx context.Context, svc *metrics.Service, p domain.Principal, period metrics.Period) error) {
	svc, accounts := benchSetup(b)
	end := time.Now().UTC().Truncate(time.Hour)
	for _, a := range accounts {
		p := domain.Principal{Kind: domain.PrincipalAPIKey, AccountID: a.id, Role: domain.RoleAnalyst}
		for _, days := range benchPeriods {
			period := metrics.Period{Start: end.AddDate(0, 0, -days), End: end}
			b.Run(fmt.Sprintf("conversations=%s/days=%d", a.name, days), func(b *testing.B) {
				for b.Loop() {
					if err := ask(b.Context(), svc, p, period); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkOverview measures GetOverview's work over periods of 1 to 365 days:
//
//	TANDEM_BENCH_DATABASE_URL=… go test -run '^$' -bench . ./server/metrics/
func BenchmarkOverview(b *testing.B) {
	benchEach(b, func(ctx context.Context, svc *metrics.Service, p domain.Principal, period metrics.Period) error {
		_, err := svc.Overview(ctx, p, period)
		return err
	})
}

// BenchmarkSkillPerformance measures GetSkillPerformance (buckets and the first page of
// 50 questions) over periods of 1 to 365 days.
func BenchmarkSkillPerformance(b *testing.B) {
	benchEach(b, func(ctx context.Context, svc *metrics.Service, p domain.Principal, period metrics.Period) error {
		_, err := svc.SkillPerformance(ctx, p, metrics.SkillPerformanceInput{Skill: domain.SkillOrderTracking, Period: period, Limit: 50})
		return err
	})
}
