// Command tandemsoak soaks ticket delivery: it runs a Tandem replica in-process against
// a PostgreSQL database and a fake Zendesk (or Gorgias) that fails a share of calls
// (500, 429 with Retry-After, hangs past the client timeout, dropped connections,
// connections dropped after the ticket was created), hands N web chat visitors off
// through the public API, restarts the replica (a new one on a new pool, the old one's
// running jobs cancelled) halfway through, lets the helpdesk recover once every
// handoff exists, and reports tickets delivered, duplicates, and the delivery delay.
//
//	tandemsoak -database-url URL [-n 1000] [-failure-rate 0.3] [-helpdesk zendesk|gorgias]
//	    [-concurrency 16] [-outage 30s] [-timeout 10m]
//
// The database gets one new account; use a scratch database (`go run ./cmd/devpg start`).
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"connectrpc.com/connect"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tandemhq/tandem/clients/go/tandemclient"
	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
	"github.com/tandemhq/tandem/server/account"
	"github.com/tandemhq/tandem/server/app"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/helpdesk/gorgias/gorgiastest"
	"github.com/tandemhq/tandem/server/helpdesk/helpdesktest"
	"github.com/tandemhq/tandem/server/helpdesk/zendesk/zendesktest"
	"github.com/tandemhq/tandem/server/ratelimit"
	"github.com/tandemhq/tandem/store"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "tandemsoak:", err)
		os.Exit(1)
	}
}

// handoffAgent signals a handoff on every message, as a visitor asking for a person.
type handoffAgent struct{}

func (handoffAgent) Respond(_ context.Context, t domain.Turn) (domain.Reply, error) {
	return domain.Reply{Outcome: domain.TurnHandoff, Handoff: &domain.SoftHandoff{Reason: domain.HandoffVisitorRequested, Question: t.Message.Text}}, nil
}

// integrations says the account connected the fake helpdesk.
type integrations struct{ in domain.Integration }

func (i integrations) Connected(context.Context, string) ([]domain.Integration, error) {
	return []domain.Integration{i.in}, nil
}

// cleanups runs the fakes' cleanups at the end.
type cleanups []func()

func (c *cleanups) Cleanup(f func()) { *c = append(*c, f) }

func run() error {
	dbURL := flag.String("database-url", cmp.Or(os.Getenv("TEST_DATABASE_URL"), os.Getenv("DATABASE_URL")), "PostgreSQL URL (a scratch database)")
	n := flag.Int("n", 1000, "handoffs")
	rate := flag.Float64("failure-rate", 0.3, "share of helpdesk calls that fail until every handoff exists")
	which := flag.String("helpdesk", "zendesk", "zendesk or gorgias")
	concurrency := flag.Int("concurrency", 16, "visitors handed off at once")
	timeout := flag.Duration("timeout", 10*time.Minute, "give up after")
	outage := flag.Duration("outage", 30*time.Second, "the helpdesk fails calls for at least this long from the start (and until every handoff exists)")
	flag.Parse()
	if *dbURL == "" {
		return errors.New("set -database-url (or TEST_DATABASE_URL)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))

	var cleanup cleanups
	defer func() {
		for _, f := range slices.Backward(cleanup) {
			f()
		}
	}()
	var fake *helpdesktest.Fake
	var in domain.Integration
	destination := tandemv1.HandoffDestination_HANDOFF_DESTINATION_ZENDESK
	switch *which {
	case "zendesk":
		z := zendesktest.New(&cleanup)
		fake, in = z.Fake, z.Integration("")
	case "gorgias":
		g := gorgiastest.New(&cleanup)
		fake, in = g.Fake, g.Integration("")
		destination = tandemv1.HandoffDestination_HANDOFF_DESTINATION_GORGIAS
	default:
		return fmt.Errorf("-helpdesk %q: use zendesk or gorgias", *which)
	}
	fake.Hang = 3 * time.Second
	fake.SetFailureRate(*rate)

	opts := app.Options{
		Logger: logger, TokenSecret: "tandemsoak-visitor-token-secret-0123456789", Agent: handoffAgent{},
		Integrations: integrations{in}, HelpdeskTimeout: 2 * time.Second,
		RateLimits: ratelimit.Config{Visitor: ratelimit.Limit{PerSecond: 100, Burst: 100},
			APIKey: ratelimit.Limit{PerSecond: 10000, Burst: 10000}, SiteKey: ratelimit.Limit{PerSecond: 10000, Burst: 10000}},
	}
	r, err := startReplica(ctx, *dbURL, opts)
	if err != nil {
		return err
	}
	acc, err := account.Create(ctx, r.app.Store, "Soak Outfitters", "Hi!")
	if err != nil {
		return err
	}
	owner := tandemclient.New(r.url, acc.Secret(domain.RoleOwner))
	if _, err := owner.Handoffs.UpdateHandoffSettings(ctx, connect.NewRequest(&tandemv1.UpdateHandoffSettingsRequest{
		Settings: &tandemv1.HandoffSettings{Method: tandemv1.HandoffMethod_HANDOFF_METHOD_HELPDESK, Destination: destination}})); err != nil {
		return fmt.Errorf("settings: %w", err)
	}

	fmt.Printf("tandemsoak: %d handoffs to a fake %s failing %.0f%% of calls (concurrency %d)\n", *n, *which, *rate*100, *concurrency)
	began := time.Now()
	var created atomic.Int64
	restarted := make(chan struct{})
	var mu sync.Mutex
	current := r
	replica := func() *replica {
		mu.Lock()
		defer mu.Unlock()
		return current
	}
	work := make(chan int)
	errs := make(chan error, *n)
	var wg sync.WaitGroup
	for range *concurrency {
		wg.Go(func() {
			for i := range work {
				if err := handOff(ctx, func() string { return replica().url }, acc.Account.SiteKey, i); err != nil {
					errs <- err
					continue
				}
				if created.Add(1) == int64(*n/2) {
					close(restarted)
				}
			}
		})
	}
	go func() {
		<-restarted
		old := replica()
		next, err := restartReplica(ctx, old, *dbURL, opts)
		if err != nil {
			errs <- err
			return
		}
		mu.Lock()
		current = next
		mu.Unlock()
		fmt.Printf("  restarted the replica after %d handoffs (%.1fs)\n", *n/2, time.Since(began).Seconds())
	}()
	for i := range *n {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if failed == 0 {
			fmt.Println("  first failed handoff:", err)
		}
		failed++
	}
	fmt.Printf("  %d handoffs created in %.1fs (%d visitors failed)\n", created.Load(), time.Since(began).Seconds(), failed)
	if rest := time.Until(began.Add(*outage)); rest > 0 {
		time.Sleep(rest)
	}
	recovered := time.Now()
	failedCalls := fake.Requests() - fake.Injected()[helpdesktest.FaultNone]
	fmt.Printf("  during the outage %d of %d helpdesk calls failed (%.0f%%)\n", failedCalls, fake.Requests(), 100*float64(failedCalls)/float64(max(fake.Requests(), 1)))
	fake.SetFailureRate(0)
	fmt.Printf("  the helpdesk recovers at %.1fs\n", recovered.Sub(began).Seconds())

	final := replica()
	defer final.stop()
	handoffs, err := waitDelivered(ctx, final.app.Store, acc.Account.ID, int(created.Load()))
	if err != nil {
		return err
	}
	var delays []time.Duration
	var lastDelivery time.Time
	delivered := 0
	for _, h := range handoffs {
		if h.Status == domain.HandoffDelivered {
			delivered++
			delays = append(delays, h.DeliveredAt.Sub(h.CreatedAt))
			if h.DeliveredAt.After(lastDelivery) {
				lastDelivery = h.DeliveredAt
			}
		}
	}
	slices.Sort(delays)
	injected := fake.Injected()
	fmt.Printf("  helpdesk calls: %d; faults injected: 500=%d 429=%d hang=%d drop=%d drop-after-commit=%d\n", fake.Requests(),
		injected[helpdesktest.Fault500], injected[helpdesktest.Fault429], injected[helpdesktest.FaultHang],
		injected[helpdesktest.FaultDrop], injected[helpdesktest.FaultDropAfterCommit])
	fmt.Printf("tickets delivered: %d / %d handoffs; tickets at the helpdesk: %d; duplicates: %d; protocol problems: %d\n",
		delivered, len(handoffs), len(fake.Tickets()), fake.Duplicates(), len(fake.Problems()))
	if len(delays) > 0 {
		fmt.Printf("delivery delay (handoff created -> ticket id stored): p50 %.1fs, p99 %.1fs, max %.1fs; last ticket %.1fs after the helpdesk recovered\n",
			percentile(delays, 0.50).Seconds(), percentile(delays, 0.99).Seconds(), delays[len(delays)-1].Seconds(),
			max(lastDelivery.Sub(recovered), 0).Seconds())
	}
	return nil
}

// replica is one running Tandem replica.
type replica struct {
	app    *app.App
	url    string
	pool   *pgxpool.Pool
	server *http.Server
	cancel context.CancelFunc
}

func startReplica(ctx context.Context, dbURL string, opts app.Options) (*replica, error) {
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	if err := store.Migrate(ctx, pool, opts.Logger); err != nil {
		return nil, err
	}
	a, err := app.New(pool, opts)
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	if err := a.Run(runCtx); err != nil {
		cancel()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		return nil, err
	}
	srv := a.HTTPServer(runCtx, ln.Addr().String())
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	return &replica{app: a, url: "http://" + ln.Addr().String(), pool: pool, server: srv, cancel: cancel}, nil
}

// stop ends the replica like a crash: running jobs are cancelled, connections closed.
func (r *replica) stop() {
	r.cancel()
	r.server.Close()
	r.pool.Close()
}

// restartReplica starts a new replica, then stops the old one.
func restartReplica(ctx context.Context, old *replica, dbURL string, opts app.Options) (*replica, error) {
	old.stop()
	return startReplica(ctx, dbURL, opts)
}

// handOff runs one visitor from a new chat to a ticket: a request for a person, yes,
// an email address. A visitor whose call fails (the replica restarting) starts over on
// the current replica.
func handOff(ctx context.Context, url func() string, siteKey string, i int) error {
	var err error
	for attempt := 0; attempt < 10; attempt++ {
		if err = handOffOnce(ctx, url(), siteKey, i); err == nil {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return err
}

func handOffOnce(ctx context.Context, url, siteKey string, i int) error {
	started, err := tandemclient.New(url, siteKey).Conversations.StartConversation(ctx,
		connect.NewRequest(&tandemv1.StartConversationRequest{Channel: tandemv1.Channel_CHANNEL_WEBCHAT}))
	if err != nil {
		return err
	}
	visitor := tandemclient.New(url, started.Msg.VisitorToken)
	id := started.Msg.Conversation.Id
	for step, text := range []string{"I'd like to talk to a person about order #" + fmt.Sprint(1000+i), "yes", fmt.Sprintf("soak%d@example.com", i)} {
		if _, err := visitor.Conversations.SendMessage(ctx, connect.NewRequest(&tandemv1.SendMessageRequest{
			ConversationId: id, IdempotencyKey: fmt.Sprintf("soak-%d-%d", i, step), Content: &tandemv1.SendMessageRequest_Text{Text: text},
		})); err != nil {
			return err
		}
	}
	return nil
}

// waitDelivered polls until want handoffs of the account are delivered, returning them.
func waitDelivered(ctx context.Context, st *store.Store, accountID string, want int) ([]domain.Handoff, error) {
	for {
		var all []domain.Handoff
		var after *domain.Position
		for {
			page, err := st.ListHandoffs(ctx, accountID, domain.HandoffFilter{After: after, Limit: 1000})
			if err != nil {
				return nil, err
			}
			all = append(all, page...)
			if len(page) < 1000 {
				break
			}
			last := page[len(page)-1]
			after = &domain.Position{CreatedAt: last.CreatedAt, ID: last.ID}
		}
		delivered := 0
		for _, h := range all {
			if h.Status == domain.HandoffDelivered {
				delivered++
			}
		}
		if delivered >= want {
			return all, nil
		}
		select {
		case <-ctx.Done():
			fmt.Printf("  gave up: %d of %d delivered\n", delivered, want)
			return all, nil
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// percentile returns the p-th percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	return sorted[min(int(p*float64(len(sorted))), len(sorted)-1)]
}
