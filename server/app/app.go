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

	"github.com/tandemhq/tandem/server/accountcache"
	"github.com/tandemhq/tandem/server/agent"
	"github.com/tandemhq/tandem/server/api"
	"github.com/tandemhq/tandem/server/auth"
	"github.com/tandemhq/tandem/server/conversation"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/handoff"
	"github.com/tandemhq/tandem/server/helpdesk"
	"github.com/tandemhq/tandem/server/helpdesk/gorgias"
	"github.com/tandemhq/tandem/server/helpdesk/zendesk"
	"github.com/tandemhq/tandem/server/hub"
	"github.com/tandemhq/tandem/server/integration"
	"github.com/tandemhq/tandem/server/jobs"
	"github.com/tandemhq/tandem/server/knowledge"
	"github.com/tandemhq/tandem/server/metrics"
	"github.com/tandemhq/tandem/server/ratelimit"
	"github.com/tandemhq/tandem/server/router"
	"github.com/tandemhq/tandem/server/seal"
	"github.com/tandemhq/tandem/server/skill"
	"github.com/tandemhq/tandem/server/tools/shopify"
	"github.com/tandemhq/tandem/server/toolset"
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
	// Agent answers visitors (default: the offline agent over the account's skills and
	// tools); the handoff flow wraps it.
	Agent domain.Agent
	// Router routes visitor messages for the default agent (default: the offline
	// classifier; tandemd puts an LLM router in front of it when one is configured).
	Router domain.Router
	// Phraser rewords the default agent's answers from the skills' facts (tandemd sets
	// the LLM responder when an LLM is configured); nil sends the skills' templates.
	Phraser agent.Phraser
	// EncryptionKeys seal integration credentials; without them, providers that take
	// credentials cannot be connected.
	EncryptionKeys *seal.Keyring
	// IntegrationCheckers validate credentials with their provider on connect; providers
	// without one get only the shape check.
	IntegrationCheckers map[domain.IntegrationProvider]integration.Checker
	// Integrations tells which integrations (Zendesk, Gorgias) accounts connected
	// (default: the integrations service).
	Integrations handoff.Integrations
	// HelpdeskTimeout bounds one call to Zendesk or Gorgias (default 10s).
	HelpdeskTimeout time.Duration
	// Jobs tunes the background job queue.
	Jobs jobs.Config
	// MetricsFoldInterval is how often the replica folds metric deltas into the rollups
	// (default 1s).
	MetricsFoldInterval time.Duration
	// Inactivity tunes the job closing idle conversations (default every minute).
	Inactivity conversation.InactivityConfig
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
	// Skills shows skills with their status.
	Skills *skill.Service
	// Integrations connects providers and hands out their credentials.
	Integrations *integration.Service
	// Knowledge keeps and searches knowledge bases.
	Knowledge *knowledge.Service
	// Jobs is the replica's job queue: register workers and periodic jobs on it
	// before Run.
	Jobs *jobs.Queue
	// Metrics answers metrics questions and folds the rollups.
	Metrics *metrics.Service
	// Inactivity closes idle conversations (a periodic job; Sweep runs it at once).
	Inactivity *conversation.InactivityCloser
	hub        *hub.Hub
	pool       *pgxpool.Pool
	fold       time.Duration
}

// New builds a replica over a migrated database pool.
func New(pool *pgxpool.Pool, o Options) (*App, error) {
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
	if o.HelpdeskTimeout == 0 {
		o.HelpdeskTimeout = 10 * time.Second
	}
	queue, err := jobs.New(pool, o.Logger, o.Jobs)
	if err != nil {
		return nil, err
	}
	st := store.New(pool).WithJobs(queue)
	h := hub.New(o.Logger)
	tokens := auth.NewVisitorTokens(o.TokenSecret, o.VisitorTokenTTL)
	// One client per helpdesk, so credential checks and ticket deliveries share
	// Gorgias's per-key rate limit.
	zendeskClient, gorgiasClient := zendesk.New(o.HelpdeskTimeout), gorgias.New(o.HelpdeskTimeout)
	if o.IntegrationCheckers == nil {
		o.IntegrationCheckers = map[domain.IntegrationProvider]integration.Checker{
			domain.ProviderShopify: shopify.Checker{Options: shopify.Options{Logger: o.Logger}},
			domain.ProviderZendesk: zendesk.Checker{Client: zendeskClient},
			domain.ProviderGorgias: gorgias.Checker{Client: gorgiasClient},
		}
	}
	if o.MetricsFoldInterval == 0 {
		o.MetricsFoldInterval = time.Second
	}
	metricsService := metrics.NewService(st, o.Logger)
	skills := skill.NewService(st)
	cache := accountcache.New(accountcache.DefaultTTL)
	changes := forgettingStore{Store: st, cache: cache}
	integrations := integration.NewService(changes, o.EncryptionKeys, o.IntegrationCheckers, o.Logger)
	kb := knowledge.NewService(changes)
	if o.Integrations == nil {
		o.Integrations = integrations
	}
	if o.Router == nil {
		o.Router = router.NewOffline(nil)
	}
	if o.Agent == nil {
		o.Agent = agent.New(agent.Options{
			Router: o.Router, Statuses: cachedStatuses(accountcache.Cached(cache, "skill statuses", skills.Statuses)),
			Logger: o.Logger, Phraser: o.Phraser,
			Tools: &toolset.Resolver{Integrations: cachedIntegrations(accountcache.Cached(cache, "connected integrations", integrations.Connected)), Store: st, Knowledge: kb.For,
				Shopify: shopify.Options{Logger: o.Logger}, Logger: o.Logger},
		})
	}
	flow := handoff.NewFlow(o.Agent, st, cache)
	conversations := conversation.NewService(st, flow, tokens, h, hub.Publisher{Pool: pool}, o.Logger, conversation.Config{Heartbeat: o.Heartbeat})
	handoffs := handoff.NewService(changes, conversations, o.Integrations, o.Logger)
	jobs.Register(queue, handoff.NewDeliverer(st, o.Integrations, map[domain.HandoffDestination]helpdesk.Adapter{
		domain.DestinationZendesk: zendeskClient,
		domain.DestinationGorgias: gorgiasClient,
	}, o.Logger))
	inactivity := conversation.NewInactivityCloser(conversations, st, o.Logger, o.Inactivity)
	jobs.Register(queue, inactivity)
	queue.AddPeriodic(inactivity.Periodic())
	handler := api.NewHandler(api.Deps{
		Logger: o.Logger, Auth: auth.NewAuthenticator(st, tokens), Limiter: ratelimit.New(o.RateLimits),
		Conversations: conversations, Skills: skills, Integrations: integrations, Knowledge: kb, Agent: flow,
		Handoffs: handoffs, Metrics: metricsService, Ping: pool.Ping, MaxRequestBytes: o.MaxRequestBytes, CORSOrigins: o.CORSOrigins, Static: o.Static,
	})
	return &App{Handler: handler, Store: st, Skills: skills, Integrations: integrations, Knowledge: kb, Jobs: queue, Metrics: metricsService,
		Inactivity: inactivity, hub: h, pool: pool, fold: o.MetricsFoldInterval}, nil
}

// Run feeds database notifications to the replica's streams, works the job queue and
// folds metric deltas until ctx ends (which cancels running jobs; Stop first for a graceful end). It
// returns once the replica listens, running on in the background.
func (a *App) Run(ctx context.Context) error {
	ready := make(chan struct{})
	go a.hub.Listen(ctx, a.pool, ready)
	go a.Metrics.RunFolder(ctx, a.fold)
	select {
	case <-ready:
	case <-ctx.Done():
	}
	return a.Jobs.Start(ctx)
}

// Stop stops working jobs, letting running ones finish until ctx ends.
func (a *App) Stop(ctx context.Context) error {
	return a.Jobs.Stop(ctx)
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
