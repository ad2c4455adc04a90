// Package app wires Tandem's parts into one HTTP handler over a database pool: storage,
// the event hub, authentication, rate limits, the services and the API.
package app

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tandemhq/tandem/server/agent"
	"github.com/tandemhq/tandem/server/api"
	"github.com/tandemhq/tandem/server/auth"
	"github.com/tandemhq/tandem/server/conversation"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/hub"
	"github.com/tandemhq/tandem/server/metrics"
	"github.com/tandemhq/tandem/server/ratelimit"
	"github.com/tandemhq/tandem/store"
)

// Options configure an App.
type Options struct {
	// Logger receives structured logs.
	Logger *slog.Logger
	// TokenSecret signs visitor tokens; every replica must share it.
	TokenSecret string
	// VisitorTokenTTL is how long visitor tokens last (default 24h).
	VisitorTokenTTL time.Duration
	// MaxRequestBytes caps a request message (default 1 MiB).
	MaxRequestBytes int
	// CORSOrigins are the origins browsers may call from (default any).
	CORSOrigins []string
	// RateLimits are the per-credential limits (defaults when zero).
	RateLimits ratelimit.Config
	// Heartbeat is how often idle streams get a heartbeat (default 15s).
	Heartbeat time.Duration
	// Static serves non-RPC paths (the widget demo), if set.
	Static http.Handler
	// Agent answers visitors (default: agent.Unready).
	Agent domain.Agent
	// MetricsFoldInterval is how often the replica folds metric deltas into the rollups
	// (default 1s).
	MetricsFoldInterval time.Duration
}

// DefaultRateLimits are generous enough for any person and most integrations.
var DefaultRateLimits = ratelimit.Config{
	Visitor: ratelimit.Limit{PerSecond: 5, Burst: 20},
	APIKey:  ratelimit.Limit{PerSecond: 200, Burst: 400},
	SiteKey: ratelimit.Limit{PerSecond: 100, Burst: 200},
}

// App is one Tandem replica.
type App struct {
	// Handler serves the API.
	Handler http.Handler
	// Store is the replica's storage.
	Store *store.Store
	// Metrics answers metrics questions and folds the rollups.
	Metrics *metrics.Service
	hub     *hub.Hub
	pool    *pgxpool.Pool
	fold    time.Duration
}

// New builds a replica over a migrated database pool.
func New(pool *pgxpool.Pool, o Options) *App {
	if o.VisitorTokenTTL == 0 {
		o.VisitorTokenTTL = 24 * time.Hour
	}
	if o.MaxRequestBytes == 0 {
		o.MaxRequestBytes = 1 << 20
	}
	if len(o.CORSOrigins) == 0 {
		o.CORSOrigins = []string{"*"}
	}
	if o.RateLimits == (ratelimit.Config{}) {
		o.RateLimits = DefaultRateLimits
	}
	st := store.New(pool)
	h := hub.New(o.Logger)
	tokens := auth.NewVisitorTokens(o.TokenSecret, o.VisitorTokenTTL)
	if o.Agent == nil {
		o.Agent = agent.Unready{}
	}
	if o.MetricsFoldInterval == 0 {
		o.MetricsFoldInterval = time.Second
	}
	metricsService := metrics.NewService(st, o.Logger)
	conversations := conversation.NewService(st, o.Agent, tokens, h, hub.Publisher{Pool: pool}, o.Logger, conversation.Config{Heartbeat: o.Heartbeat})
	handler := api.NewHandler(api.Deps{
		Logger: o.Logger, Auth: auth.NewAuthenticator(st, tokens), Limiter: ratelimit.New(o.RateLimits),
		Conversations: conversations, Metrics: metricsService, Ping: pool.Ping, MaxRequestBytes: o.MaxRequestBytes,
		CORSOrigins: o.CORSOrigins, Static: o.Static,
	})
	return &App{Handler: handler, Store: st, Metrics: metricsService, hub: h, pool: pool, fold: o.MetricsFoldInterval}
}

// Run feeds database notifications to the replica's streams and folds metric deltas
// until ctx ends. It returns once the replica listens, running on in the background.
func (a *App) Run(ctx context.Context) {
	ready := make(chan struct{})
	go a.hub.Listen(ctx, a.pool, ready)
	go a.Metrics.RunFolder(ctx, a.fold)
	select {
	case <-ready:
	case <-ctx.Done():
	}
}

// HTTPServer returns an http.Server serving the handler on addr with HTTP/1.1 and
// cleartext HTTP/2 (h2c, which gRPC needs), header timeouts and a base context that
// ends streams when ctx ends.
func (a *App) HTTPServer(ctx context.Context, addr string) *http.Server {
	p := new(http.Protocols)
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	return &http.Server{
		Addr: addr, Handler: a.Handler, Protocols: p,
		ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
}
